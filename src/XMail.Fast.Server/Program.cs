namespace XMail.Fast.Server;

public static class Program
{
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("XMail.Fast: server host not wired yet");
        return 1;
    }
}
