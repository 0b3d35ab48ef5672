using System.Net;
using System.Text;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;

namespace XMail.Fast.Tests.Infrastructure;

/// <summary>
/// One line of a <see cref="TestDnsServer"/> zone, written like a zone file: <c>name [ttl] TYPE data</c>.
/// <list type="bullet">
/// <item><c>d.test MX 10 mx1.d.test</c>, <c>mx1.d.test A 127.0.0.11</c>, <c>v6.test AAAA ::5</c>,
/// <c>d.test NS ns1.d.test</c>, <c>www.d.test CNAME d.test</c></item>
/// <item><c>127.0.0.9 PTR mail.ptr.test</c> (an address as the name stands for its in-addr.arpa/ip6.arpa name)</item>
/// <item><c>d.test TXT "v=spf1 -all"</c>; several quoted strings make one multi-string record; unquoted data is one
/// string; a string longer than 255 bytes is split into 255-byte strings, as DKIM keys are published (RFC 6376 3.6.2.2)</item>
/// <item><c>broken.test SERVFAIL</c> and <c>slow.test TIMEOUT</c>: every question about the name or a name below it
/// gets SERVFAIL, or no reply at all</item>
/// </list>
/// </summary>
public sealed record TestDnsZoneLine(string Owner, DnsRecordBase? Record, TestDnsFault? Fault)
{
    public static TestDnsZoneLine Parse(string line, int defaultTtl)
    {
        var rest = line.Trim();
        var owner = OwnerName(Next(ref rest, line));
        var word = Next(ref rest, line);
        int ttl = defaultTtl;
        if (int.TryParse(word, out var explicitTtl))
        {
            ttl = explicitTtl;
            word = Next(ref rest, line);
        }
        var name = DomainName.Parse(owner);
        switch (word.ToUpperInvariant())
        {
            case "SERVFAIL": return new(owner, null, TestDnsFault.ServerFailure);
            case "TIMEOUT": return new(owner, null, TestDnsFault.NoReply);
            case "A": return new(owner, new ARecord(name, ttl, Address(rest, line)), null);
            case "AAAA": return new(owner, new AaaaRecord(name, ttl, Address(rest, line)), null);
            case "PTR": return new(owner, new PtrRecord(name, ttl, DomainName.Parse(rest)), null);
            case "NS": return new(owner, new NsRecord(name, ttl, DomainName.Parse(rest)), null);
            case "CNAME": return new(owner, new CNameRecord(name, ttl, DomainName.Parse(rest)), null);
            case "TXT": return new(owner, new TxtRecord(name, ttl, TxtStrings(rest)), null);
            case "MX":
                var preference = ushort.Parse(Next(ref rest, line));
                return new(owner, new MxRecord(name, ttl, preference, DomainName.Parse(rest)), null);
            default: throw new FormatException($"unknown record type \"{word}\" in \"{line}\"");
        }
    }

    /// <summary>The owner in lower case without the final dot; an address becomes its reverse-lookup name.</summary>
    private static string OwnerName(string word) =>
        (IPAddress.TryParse(word, out var ip) ? ip.GetReverseLookupDomain().ToString() : word).TrimEnd('.').ToLowerInvariant();

    private static string Next(ref string rest, string line)
    {
        if (rest.Length == 0) throw new FormatException($"incomplete zone line \"{line}\"");
        int space = rest.IndexOfAny([' ', '\t']);
        var word = space < 0 ? rest : rest[..space];
        rest = space < 0 ? "" : rest[space..].TrimStart();
        return word;
    }

    private static IPAddress Address(string data, string line) =>
        IPAddress.TryParse(data, out var ip) ? ip : throw new FormatException($"not an address in \"{line}\"");

    private static List<string> TxtStrings(string data)
    {
        var strings = new List<string>();
        if (!data.StartsWith('"')) strings.Add(data);
        else
        {
            var current = new StringBuilder();
            bool quoted = false;
            for (int i = 0; i < data.Length; i++)
            {
                char c = data[i];
                if (c == '"')
                {
                    if (quoted) strings.Add(current.ToString());
                    current.Clear();
                    quoted = !quoted;
                }
                else if (quoted && c == '\\' && i + 1 < data.Length) current.Append(data[++i]);
                else if (quoted) current.Append(c);
            }
            if (quoted) throw new FormatException($"unterminated string in TXT data {data}");
        }
        return strings.SelectMany(s => s.Length <= 255 ? [s] : s.Chunk(255).Select(chunk => new string(chunk))).ToList();
    }
}
