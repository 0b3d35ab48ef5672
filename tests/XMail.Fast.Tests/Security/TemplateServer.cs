using XMail.Fast.Core.Accounts;
using XMail.Fast.Core.Config;
using XMail.Fast.Server;
using XMail.Fast.Server.Init;
using XMail.Fast.Tests.Infrastructure;

namespace XMail.Fast.Tests.Security;

/// <summary>
/// A server on a MailRoot made the way a new install makes it: XMail --init from MailRoot.template with domain
/// example.test and admin "admin", then one mail account (user@example.test / userpass) added as an administrator would.
/// Nothing else is changed: whatever it refuses, the template refuses.
/// </summary>
public sealed class TemplateServer : IAsyncLifetime
{
    public const string Domain = "example.test", User = "user@example.test", Password = "userpass", AdminPassword = "admin secret";

    private TestServer? _server;

    public TestServer Server => _server ?? throw new InvalidOperationException("not started");

    public static TempMailRoot CreateRoot()
    {
        var scratch = Directory.CreateTempSubdirectory("xmf-template-").FullName;
        try
        {
            var root = Path.Combine(scratch, "MailRoot");
            var password = Path.Combine(scratch, "password");
            File.WriteAllText(password, AdminPassword + "\n");
            Assert.Equal(0, InitCommand.Run(["--init", "-Ms", root, "--domain", Domain, "--password-file", password], TextWriter.Null));
            var store = new AccountStore(new MailRoot(root));
            Assert.Equal(XMail.Fast.Core.ErrorCode.Success, store.AddUser(Domain, "user", Password, 'U'));
            return new TempMailRoot(root);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(root: CreateRoot());

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }

    /// <summary>The template itself, as shipped beside the executable.</summary>
    public static string TemplateFile(string name) => Path.Combine(MailRootTemplate.TemplatePath, name);
}
