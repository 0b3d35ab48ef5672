using XMail.Fast.Core.Spool;

namespace XMail.Fast.Delivery.Local;

/// <summary>
/// The macro values of one command run ("MAILPROC.TAB", "CUSTOM DOMAIN MAIL PROCESSING", "MESSAGE FILTERS"):
/// FROM RFROM RCPT RRCPT FILE MSGID MSGREF TMPFILE USERAUTH REMOTEADDR LOCALADDR. TMPFILE makes a copy of the spool
/// file under spool/temp on first use; the external program owns (and deletes) it.
/// </summary>
public sealed class DeliveryMacros
{
    private readonly SpoolMessage _message;
    private readonly string _tempDir;

    public DeliveryMacros(SpoolMessage message, string tempDir, string from, string rfrom, string rcpt, string rrcpt)
    {
        _message = message;
        _tempDir = tempDir;
        From = from;
        RFrom = rfrom;
        Rcpt = rcpt;
        RRcpt = rrcpt;
    }

    public string From { get; }
    public string RFrom { get; }
    public string Rcpt { get; }
    public string RRcpt { get; }

    public string? Lookup(string name) => name.ToUpperInvariant() switch
    {
        "FROM" => From,
        "RFROM" => RFrom,
        "RCPT" => Rcpt,
        "RRCPT" => RRcpt,
        "FILE" => _message.FilePath,
        "MSGID" => _message.Id,
        "MSGREF" => _message.SmtpId,
        "USERAUTH" => _message.AuthUser,
        "REMOTEADDR" => _message.Addresses.Remote,
        "LOCALADDR" => _message.Addresses.Local,
        "TMPFILE" => CopyToTemp(),
        _ => null,
    };

    private string CopyToTemp()
    {
        Directory.CreateDirectory(_tempDir);
        var path = Path.Combine(_tempDir, UniqueName.Next() + ".tmp");
        File.Copy(_message.FilePath, path);
        return path;
    }
}
