using XMail.Fast.Tools.MkUsers;

using var stdin = Console.OpenStandardInput();
return MkUsersRunner.Run(args, stdin, Console.Error);
