using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using XMail.Fast.Core.Dns;

namespace XMail.Fast.Delivery.Dns;

/// <summary>
/// The second cache level, on disk in MailRoot/dnscache ("MailRoot structure": mx and ns folders), so a restart
/// does not ask again what is still valid. Read only when the in-memory cache misses, written only after a miss
/// was resolved. One file per (kind, name):
/// <code>
///   dnscache/&lt;kind&gt;/&lt;bucket&gt;/&lt;name&gt;        kind = mx | ns; bucket = FNV-1a(name) mod -MD ndirs (default 101);
///                                         name = the lower-case DNS name without the trailing dot
/// </code>
/// The file is UTF-8 text, one item per line:
/// <code>
///   xmail-fast-dnscache 1                 format tag and version
///   name a.example                         must equal the file's name
///   expires 1767225600                     Unix seconds (UTC) after which the answer is asked again
///   status ok | notfound                   notfound: NXDOMAIN or no record of the kind (kept for its negative TTL)
///   mx 10 mx1.a.example                    kind mx, one line per record: preference and host
///   ns ns1.a.example                       kind ns, one line per record: host
/// </code>
/// A file that does not parse, names another domain, holds an invalid host or expires further ahead than a
/// resolver would ever keep an answer is logged and ignored (the next resolved answer replaces it). Writes go
/// to a temp file (name starting with '.', never a DNS name) then rename over the old file; no fsync: losing a
/// cache file in a crash costs one query.
/// </summary>
public sealed class DnsDiskCache
{
    private const string Tag = "xmail-fast-dnscache 1";
    public const int DefaultDirs = 101;

    private readonly string _root;
    private readonly int _dirs;
    private readonly TimeProvider _time;
    private readonly ILogger _log;

    public DnsDiskCache(string dnsCacheDir, int dirs = DefaultDirs, TimeProvider? time = null, ILogger? log = null)
    {
        _root = Path.GetFullPath(dnsCacheDir);
        _dirs = dirs > 0 ? dirs : DefaultDirs;
        _time = time ?? TimeProvider.System;
        _log = log ?? NullLogger.Instance;
    }

    /// <summary>The longest an entry may claim to stay valid; anything further ahead is not trusted.</summary>
    public TimeSpan MaxTtl { get; init; } = TimeSpan.FromDays(1);

    public string Root => _root;

    /// <summary>The file for <paramref name="name"/> of <paramref name="kind"/>, or null when the name is not a valid DNS name.</summary>
    public string? PathFor(DnsDiskKind kind, string name)
    {
        if (!IsValidName(name)) return null;
        return Path.Combine(_root, KindFolder(kind), Bucket(name).ToString(CultureInfo.InvariantCulture), name);
    }

    public bool TryReadMx(string name, out DnsAnswer<MxHost> answer, out DateTimeOffset expires)
    {
        answer = default;
        if (!TryRead(DnsDiskKind.Mx, name, out var status, out var records, out expires)) return false;
        var hosts = new MxHost[records.Count];
        for (int i = 0; i < hosts.Length; i++)
        {
            var parts = records[i].Split(' ');
            if (parts.Length != 2 || !ushort.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pref) || !IsValidName(parts[1]))
                return Corrupt(PathFor(DnsDiskKind.Mx, name)!, "bad mx record \"" + records[i] + "\"");
            hosts[i] = new MxHost(pref, parts[1]);
        }
        Array.Sort(hosts, static (a, b) => a.Preference.CompareTo(b.Preference));
        answer = new DnsAnswer<MxHost>(status, hosts);
        return true;
    }

    public bool TryReadNs(string name, out DnsAnswer<string> answer, out DateTimeOffset expires)
    {
        answer = default;
        if (!TryRead(DnsDiskKind.Ns, name, out var status, out var records, out expires)) return false;
        foreach (var r in records)
            if (!IsValidName(r)) return Corrupt(PathFor(DnsDiskKind.Ns, name)!, "bad ns record \"" + r + "\"");
        answer = new DnsAnswer<string>(status, records.ToArray());
        return true;
    }

    public void WriteMx(string name, DnsAnswer<MxHost> answer, DateTimeOffset expires) =>
        Write(DnsDiskKind.Mx, name, answer.Status, answer.Values.Select(m => m.Preference.ToString(CultureInfo.InvariantCulture) + " " + m.Host), expires);

    public void WriteNs(string name, DnsAnswer<string> answer, DateTimeOffset expires) =>
        Write(DnsDiskKind.Ns, name, answer.Status, answer.Values, expires);

    private bool TryRead(DnsDiskKind kind, string name, out DnsStatus status, out List<string> records, out DateTimeOffset expires)
    {
        status = DnsStatus.TempFail;
        records = new List<string>();
        expires = default;
        var path = PathFor(kind, name);
        if (path is null) return false;
        string text;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) return false;
            if (info.Length > 64 * 1024) return Corrupt(path, "too large");
            text = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Corrupt(path, ex.Message);
        }

        var lines = text.Split('\n');
        if (lines.Length < 4 || lines[0].TrimEnd('\r') != Tag) return Corrupt(path, "missing header");
        if (lines[1].TrimEnd('\r') != "name " + name) return Corrupt(path, "names another domain");
        var exp = lines[2].TrimEnd('\r');
        if (!exp.StartsWith("expires ", StringComparison.Ordinal) || !long.TryParse(exp.AsSpan(8), NumberStyles.None, CultureInfo.InvariantCulture, out long unix))
            return Corrupt(path, "bad expires line");
        var now = _time.GetUtcNow();
        try { expires = DateTimeOffset.FromUnixTimeSeconds(unix); }
        catch (ArgumentOutOfRangeException) { return Corrupt(path, "bad expires line"); }
        if (expires > now + MaxTtl + TimeSpan.FromMinutes(5)) return Corrupt(path, "expires too far ahead");
        status = lines[3].TrimEnd('\r') switch
        {
            "status ok" => DnsStatus.Ok,
            "status notfound" => DnsStatus.NotFound,
            _ => DnsStatus.TempFail,
        };
        if (status == DnsStatus.TempFail) return Corrupt(path, "bad status line");

        var prefix = kind == DnsDiskKind.Mx ? "mx " : "ns ";
        for (int i = 4; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Length == 0) continue;
            if (!line.StartsWith(prefix, StringComparison.Ordinal)) return Corrupt(path, "unexpected line \"" + line + "\"");
            records.Add(line[prefix.Length..]);
        }
        if ((status == DnsStatus.Ok) != (records.Count > 0)) return Corrupt(path, "records do not match the status");
        if (expires <= now) return false; // expired: ask again (and the answer rewrites this file)
        return true;
    }

    private bool Corrupt(string path, string why)
    {
        _log.LogWarning("DNS cache file {Path} ignored: {Reason}", path, why);
        return false;
    }

    private void Write(DnsDiskKind kind, string name, DnsStatus status, IEnumerable<string> records, DateTimeOffset expires)
    {
        if (status == DnsStatus.TempFail) return;
        var path = PathFor(kind, name);
        if (path is null) return;
        var sb = new StringBuilder(128);
        sb.Append(Tag).Append('\n');
        sb.Append("name ").Append(name).Append('\n');
        sb.Append("expires ").Append(expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)).Append('\n');
        sb.Append(status == DnsStatus.Ok ? "status ok\n" : "status notfound\n");
        var prefix = kind == DnsDiskKind.Mx ? "mx " : "ns ";
        foreach (var r in records) sb.Append(prefix).Append(r).Append('\n');

        var dir = Path.GetDirectoryName(path)!;
        var tmp = Path.Combine(dir, "." + name + "." + Guid.NewGuid().ToString("N")[..12] + ".tmp");
        try
        {
            Directory.CreateDirectory(dir);
            File.WriteAllText(tmp, sb.ToString(), new UTF8Encoding(false));
            File.Move(tmp, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _log.LogWarning("DNS cache file {Path} not written: {Error}", path, ex.Message);
            try { File.Delete(tmp); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    private int Bucket(string name)
    {
        uint h = 2166136261;
        foreach (char c in name)
        {
            h ^= c;
            h *= 16777619;
        }
        return (int)(h % (uint)_dirs);
    }

    private static string KindFolder(DnsDiskKind kind) => kind == DnsDiskKind.Mx ? "mx" : "ns";

    /// <summary>
    /// A lower-case DNS name usable as one file name: 1-253 characters, dot-separated labels of 1-63 letters,
    /// digits, '-' or '_', no label starting or ending with '-'. Everything else (separators, "..", spaces,
    /// upper case) is refused, so no name can leave its folder.
    /// </summary>
    public static bool IsValidName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || name.Length > 253) return false;
        int labelStart = 0;
        for (int i = 0; i <= name.Length; i++)
        {
            if (i == name.Length || name[i] == '.')
            {
                int len = i - labelStart;
                if (len is 0 or > 63) return false;
                if (name[labelStart] == '-' || name[i - 1] == '-') return false;
                labelStart = i + 1;
                continue;
            }
            char c = name[i];
            if (!(c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_')) return false;
        }
        return true;
    }
}
