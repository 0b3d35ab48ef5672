namespace XMail.Fast.Core.MailAuth;

/// <summary>The lower-case result keywords of RFC 8601 section 2.7 for every result enum.</summary>
public static class AuthResultKeywords
{
    public static string Of(SpfResult r) => r switch
    {
        SpfResult.Pass => "pass",
        SpfResult.Fail => "fail",
        SpfResult.SoftFail => "softfail",
        SpfResult.Neutral => "neutral",
        SpfResult.TempError => "temperror",
        SpfResult.PermError => "permerror",
        _ => "none",
    };

    public static string Of(DkimResult r) => r switch
    {
        DkimResult.Pass => "pass",
        DkimResult.Fail => "fail",
        DkimResult.Policy => "policy",
        DkimResult.Neutral => "neutral",
        DkimResult.TempError => "temperror",
        DkimResult.PermError => "permerror",
        _ => "none",
    };

    public static string Of(DmarcResult r) => r switch
    {
        DmarcResult.Pass => "pass",
        DmarcResult.Fail => "fail",
        DmarcResult.TempError => "temperror",
        DmarcResult.PermError => "permerror",
        _ => "none",
    };

    public static string Of(ArcResult r) => r switch
    {
        ArcResult.Pass => "pass",
        ArcResult.Fail => "fail",
        _ => "none",
    };
}
