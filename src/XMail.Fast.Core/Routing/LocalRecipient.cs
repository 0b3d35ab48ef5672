using XMail.Fast.Core.Accounts;

namespace XMail.Fast.Core.Routing;

public enum RecipientKind
{
    /// <summary>A local account (mailusers.tab type U).</summary>
    User,
    /// <summary>A local mailing list (type M).</summary>
    MailingList,
    /// <summary>cmdaliases/DOMAIN/USER.tab handles it.</summary>
    CmdAlias,
    /// <summary>The domain is not local but custdomains/ has a file for it.</summary>
    CustomDomain,
    /// <summary>The domain is local but nothing handles the user (550).</summary>
    UnknownUser,
    /// <summary>Not a local or custom domain: remote delivery (relay rules apply).</summary>
    Remote,
}

/// <summary>What a recipient address resolves to locally. <see cref="RealAddress"/> is the address after alias domains and aliases.</summary>
public sealed record LocalRecipient(RecipientKind Kind, string Address, string RealAddress, UserRecord? User = null, string? CommandFile = null);
