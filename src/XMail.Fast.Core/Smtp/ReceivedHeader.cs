using System.Net;
using System.Text;

namespace XMail.Fast.Core.Smtp;

/// <summary>
/// The "Received:" line an accepting server prepends (server.tab ReceivedHdrType), laid out as XMail 1.27 does:
/// <code>
/// Received: from HELO ([1.2.3.4]:PORT)
/// 	by DOMAIN with [XMail.Fast 1.0.0 ESMTP Server]
/// 	id &lt;S3A&gt; for &lt;rcpt&gt; from &lt;sender&gt;;
/// 	Tue, 24 Nov 2026 15:43:43 -0000
/// </code>
/// 0 client IP, 1 client and server IP, 2 no IP, 3 = 0 but no client IP when authenticated, 4 = 1 likewise.
/// </summary>
public static class ReceivedHeader
{
    public static string Build(int type, string heloDomain, IPEndPoint client, string serverDomain, IPEndPoint server,
        string serverName, string messageId, string? recipient, string sender, bool authenticated, string date)
    {
        bool showClient = type switch { 0 or 1 => true, 3 or 4 => !authenticated, _ => false };
        bool showServer = type is 1 or 4;
        var sb = new StringBuilder(256);
        sb.Append("Received: from ").Append(heloDomain.Length > 0 ? heloDomain : "unknown");
        if (showClient) sb.Append(" ([").Append(Unmap(client.Address)).Append("]:").Append(client.Port).Append(')');
        sb.Append("\r\n\tby ").Append(serverDomain);
        if (showServer) sb.Append(" ([").Append(Unmap(server.Address)).Append("]:").Append(server.Port).Append(')');
        sb.Append(" with ").Append(serverName).Append("\r\n\tid <").Append(messageId).Append('>');
        // With several recipients none is named: RFC 5321 §7.2, a "for" clause would disclose Bcc recipients.
        if (recipient is not null) sb.Append(" for <").Append(recipient).Append('>');
        sb.Append(" from <").Append(sender).Append(">;\r\n\t").Append(date).Append("\r\n");
        return sb.ToString();
    }

    private static IPAddress Unmap(IPAddress a) => a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a;
}
