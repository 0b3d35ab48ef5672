using System.Net;

namespace XMail.Fast.Delivery.Remote;

/// <summary>
/// The comma-separated VAR=VAL options of a gateway ("NeedTLS=2,OutBind=10.0.0.1"), as found after a host in
/// smtpfwd.tab, DefaultSMTPGateways and smtprelay, and alone in server.tab's SmtpGwConfig (the defaults).
/// </summary>
public readonly record struct GatewayOptions(int NeedTls, IPAddress? OutBind)
{
    public static readonly GatewayOptions None = new(0, null);

    /// <summary>Applies "NeedTLS=1,OutBind=IP" over <paramref name="defaults"/>; unknown options are reported and ignored.</summary>
    public static GatewayOptions Parse(ReadOnlySpan<char> text, GatewayOptions defaults, Action<string>? onError = null)
    {
        var result = defaults;
        foreach (var range in text.Split(','))
        {
            var item = text[range].Trim();
            if (item.IsEmpty) continue;
            int eq = item.IndexOf('=');
            var name = (eq < 0 ? item : item[..eq]).Trim();
            var value = eq < 0 ? "1" : item[(eq + 1)..].Trim();
            if (name.Equals("NeedTLS", StringComparison.OrdinalIgnoreCase) && int.TryParse(value, out int tls) && tls is >= 0 and <= 2)
                result = result with { NeedTls = tls };
            else if (name.Equals("OutBind", StringComparison.OrdinalIgnoreCase) && IPAddress.TryParse(value, out var ip))
                result = result with { OutBind = ip };
            else
                onError?.Invoke(item.ToString());
        }
        return result;
    }
}
