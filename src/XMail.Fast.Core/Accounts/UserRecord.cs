using XMail.Fast.Core.Security;

namespace XMail.Fast.Core.Accounts;

/// <summary>One mailusers.tab record: "domain" "account" "enc-passwd" id "account-dir" "U|M".</summary>
public sealed record UserRecord(string Domain, string Name, string EncodedPassword, int Id, string Dir, char Type)
{
    public string Password => XMCrypt.Decode(EncodedPassword);
    public bool IsMailingList => Type is 'M' or 'm';
    public string Address => Name + "@" + Domain;
}

public sealed record AliasRecord(string Domain, string Alias, string Account);

public sealed record AliasDomainRecord(string AliasDomain, string RealDomain);

public sealed record ExtAliasRecord(string ExtDomain, string ExtName, string LocalDomain, string LocalName);

public sealed record MailingListMember(string Address, string Perms);

public sealed record Pop3LinkRecord(string LocalDomain, string LocalName, string ExtDomain, string ExtName, string EncodedPassword, string AuthType);
