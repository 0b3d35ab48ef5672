using System.Net;

namespace XMail.Fast.Delivery.Remote;

/// <summary>
/// One SMTP server to try, with its "SMTP GATEWAY CONFIGURATION" options: NeedTLS (0 none, 1 try STARTTLS,
/// 2 require it) and OutBind (the local address to connect from).
/// </summary>
public sealed record GatewayHop(string Host, int Port = 25, int NeedTls = 0, IPAddress? OutBind = null)
{
    public override string ToString() => Port == 25 ? Host : $"{Host}:{Port}";
}
