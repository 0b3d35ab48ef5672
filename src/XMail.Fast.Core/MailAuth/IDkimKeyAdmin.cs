namespace XMail.Fast.Core.MailAuth;

/// <summary>What a DKIM key administration call did.</summary>
public enum DkimKeyAdminResult
{
    Ok,
    /// <summary>Domain or selector is not a name (separators, "..", characters outside letters, digits, '.', '-', '_').</summary>
    BadName,
    /// <summary>The key type is neither rsa nor ed25519.</summary>
    BadType,
    Exists,
    NotFound,
    /// <summary>The key file could not be written, read or removed.</summary>
    IoError,
}

/// <summary>A signing key as CTRL lists it, with the DNS TXT record that publishes it.</summary>
public sealed record DkimKeyInfo(string Domain, string Selector, string Type, string TxtName, string TxtRecord);

/// <summary>
/// The DKIM signing keys under MailRoot/dkim/&lt;domain&gt;/&lt;selector&gt;.key, for the CTRL commands dkimkeyadd,
/// dkimkeydel, dkimkeylist and dkimkeytxt. Implemented in XMail.Fast.Delivery.
/// </summary>
public interface IDkimKeyAdmin
{
    /// <summary>Generates a key ("rsa": RSA-2048, "ed25519") and returns it with its TXT record.</summary>
    (DkimKeyAdminResult Result, DkimKeyInfo? Key) Add(string domain, string selector, string type);

    DkimKeyAdminResult Delete(string domain, string selector);

    /// <summary>Every key, or those of one domain.</summary>
    IReadOnlyList<DkimKeyInfo> List(string? domain);

    (DkimKeyAdminResult Result, DkimKeyInfo? Key) Get(string domain, string selector);
}
