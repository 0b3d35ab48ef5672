using XMail.Fast.Tools.XMCrypt;

return XMCryptCommand.Run(args, Console.Out, Console.Error);
