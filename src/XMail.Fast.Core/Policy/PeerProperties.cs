namespace XMail.Fast.Core.Policy;

/// <summary>smtp.ipprop.tab / smtp.hnprop.tab variables for one peer ("SMTP.IPPROP.TAB").</summary>
public sealed record PeerProperties(bool WhiteList = false, bool EaseTls = false, bool? SenderDomainCheck = null,
    bool NoAuth = false, bool EnableVrfy = false, bool EnableEtrn = false, bool? MailAuthCheck = null)
{
    public static readonly PeerProperties None = new();

    /// <summary>Applies "Var=Value" fields on top of this set (later records and fields win).</summary>
    public PeerProperties With(IEnumerable<string> assignments)
    {
        var p = this;
        foreach (var a in assignments)
        {
            int eq = a.IndexOf('=');
            if (eq <= 0) continue;
            var name = a[..eq];
            bool on = a[(eq + 1)..].Trim() == "1";
            p = name.ToLowerInvariant() switch
            {
                "whitelist" => p with { WhiteList = on },
                "easetls" => p with { EaseTls = on },
                "senderdomaincheck" => p with { SenderDomainCheck = on },
                "noauth" => p with { NoAuth = on },
                "enablevrfy" => p with { EnableVrfy = on },
                "enableetrn" => p with { EnableEtrn = on },
                // XMail.Fast: MailAuthCheck=0 exempts the peer from SPF/DKIM/DMARC/ARC checks.
                "mailauthcheck" => p with { MailAuthCheck = on },
                _ => p,
            };
        }
        return p;
    }

    public PeerProperties Merge(PeerProperties o) => new(WhiteList || o.WhiteList, EaseTls || o.EaseTls,
        o.SenderDomainCheck ?? SenderDomainCheck, NoAuth || o.NoAuth, EnableVrfy || o.EnableVrfy, EnableEtrn || o.EnableEtrn, o.MailAuthCheck ?? MailAuthCheck);
}
