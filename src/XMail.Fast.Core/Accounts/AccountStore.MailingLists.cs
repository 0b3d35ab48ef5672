using XMail.Fast.Core.Tab;

namespace XMail.Fast.Core.Accounts;

/// <summary>A mailing list account's mlusers.tab.</summary>
public sealed partial class AccountStore
{
    public string MailingListPath(UserRecord list) => Path.Combine(UserDirectory(list), "mlusers.tab");

    public List<MailingListMember> GetMailingListMembers(UserRecord list) =>
        TabFile.Records(MailingListPath(list), 1, _log)
            .Select(l => new MailingListMember(l.Fields![0], l.Fields.Length > 1 ? l.Fields[1] : "RW")).ToList();

    public ErrorCode AddMailingListMember(string domain, string listName, string address, string perms)
    {
        if (!TabParser.IsStorable(address) || !TabParser.IsStorable(perms) || address.Length == 0) return ErrorCode.BadCtrlCommand;
        lock (_write)
        {
            var list = FindUser(domain, listName);
            if (list is null) return ErrorCode.UserNotFound;
            if (!list.IsMailingList) return ErrorCode.UserNotMailinglist;
            if (GetMailingListMembers(list).Any(m => Eq(m.Address, address))) return ErrorCode.MluserAlreadyExist;
            Append(MailingListPath(list), TabLine.FromFields(address, perms));
        }
        return ErrorCode.Success;
    }

    public ErrorCode DeleteMailingListMember(string domain, string listName, string address)
    {
        lock (_write)
        {
            var list = FindUser(domain, listName);
            if (list is null) return ErrorCode.UserNotFound;
            if (!list.IsMailingList) return ErrorCode.UserNotMailinglist;
            if (!GetMailingListMembers(list).Any(m => Eq(m.Address, address))) return ErrorCode.MluserNotFound;
            RewriteRecords(MailingListPath(list), f => !Eq(f[0], address));
        }
        return ErrorCode.Success;
    }
}
