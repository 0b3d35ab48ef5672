using XMail.Fast.Tools.CtrlClnt;

using var stdin = Console.OpenStandardInput();
using var stdout = Console.OpenStandardOutput();
return CtrlClntRunner.Run(args, Environment.GetEnvironmentVariable, stdin, stdout, Console.Error);
