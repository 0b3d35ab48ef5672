using XMail.Fast.Core;
using XMail.Fast.Core.Config;
using XMail.Fast.Core.Routing;
using XMail.Fast.Core.Spool;

namespace XMail.Fast.Tests.DropIn;

/// <summary>The account and spool data of an XMail 1.27 MailRoot are read unchanged.</summary>
public class DropInAccountsTests
{
    [Fact]
    public void Users_aliases_alias_domains_and_lists_resolve_on_a_legacy_MailRoot()
    {
        using var r = XMail127MailRootBuilder.Build();
        var ctx = new MailServerContext(new MailRoot(r.Path), new XMailOptions { MailRootPath = r.Path });
        Assert.True(ctx.Accounts.IsLocalDomain("LEGACY.test"));
        Assert.Equal(ErrorCode.Success, ctx.Accounts.Authenticate("legacy.test", "maildiruser", "secret"));
        Assert.Equal(ErrorCode.InvalidPassword, ctx.Accounts.Authenticate("legacy.test", "maildiruser", "wrong"));

        Assert.Equal(("maildiruser@legacy.test", RecipientKind.User), Resolve(ctx, "md@legacy.test"));
        Assert.Equal(("mboxuser@legacy.test", RecipientKind.User), Resolve(ctx, "sales-east@legacy.test"));
        Assert.Equal(("maildiruser@legacy.test", RecipientKind.User), Resolve(ctx, "maildiruser@legacy-alias.test"));
        Assert.Equal(("list@legacy.test", RecipientKind.MailingList), Resolve(ctx, "list@legacy.test"));
        Assert.Equal(RecipientKind.UnknownUser, ctx.Resolver.Resolve("nobody@legacy.test").Kind);
        Assert.Equal(RecipientKind.Remote, ctx.Resolver.Resolve("x@elsewhere.example").Kind);
        Assert.Equal("maildiruser", ctx.Accounts.ExtAliases.Find("outside.example", "md")!.LocalName);
        Assert.Equal("Legacy mboxuser", ctx.Accounts.GetUserVars(ctx.Accounts.FindUser("legacy.test", "mboxuser")!).RealName);
    }

    [Fact]
    public void Legacy_spool_files_parse()
    {
        using var r = XMail127MailRootBuilder.Build();
        var h = SpoolHeader.ReadFile(r.File("spool/0/0/mess/1600000000100.7f00aa.41ba.10.oldhost"))!;
        Assert.Equal("S10", h.MessageId);
        Assert.Equal("sender@outside.example", h.MailFrom);
        Assert.Equal(["maildiruser@legacy.test"], h.Recipients);
        var frozen = SpoolHeader.ReadFile(r.File("spool/7/2/froz/1600000000102.7f00aa.41ba.12.oldhost"))!;
        Assert.Equal("", frozen.MailFrom);
    }

    private static (string, RecipientKind) Resolve(MailServerContext ctx, string address)
    {
        var r = ctx.Resolver.Resolve(address);
        return (r.RealAddress, r.Kind);
    }
}
