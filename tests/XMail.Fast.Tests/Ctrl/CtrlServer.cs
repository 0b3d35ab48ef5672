using XMail.Fast.Core.Config;
using XMail.Fast.Tests.Infrastructure;

namespace XMail.Fast.Tests.Ctrl;

internal static class CtrlServer
{
    /// <summary>A server with the admin/secret CTRL account (and whatever else the test prepares).</summary>
    public static Task<TestServer> StartAsync(Action<XMailOptions>? configure = null, Action<TempMailRoot>? prepare = null) =>
        TestServer.StartAsync(configure, root =>
        {
            root.Write("ctrlaccounts.tab", CtrlTestClient.AdminLine);
            prepare?.Invoke(root);
        });
}
