using XMail.Fast.Tools.Sendmail;

using var stdin = Console.OpenStandardInput();
return SendmailRunner.Run(args, Environment.GetEnvironmentVariable, stdin, Console.Error);
