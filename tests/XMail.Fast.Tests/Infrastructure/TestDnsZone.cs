using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;

namespace XMail.Fast.Tests.Infrastructure;

/// <summary>
/// The names a <see cref="TestDnsServer"/> answers for, authoritatively: the records of its lines, CNAMEs followed
/// inside the zone, NODATA for a name that exists without the asked type, NXDOMAIN for every other name, both with
/// an SOA in the authority section (RFC 2308) whose minimum is the negative TTL.
/// </summary>
public sealed class TestDnsZone
{
    private const int MaxCnameHops = 8;

    private readonly object _writeLock = new();
    private TestDnsZoneLine[] _lines = [];

    public TestDnsZone(int defaultTtl, int negativeTtl)
    {
        DefaultTtl = defaultTtl;
        NegativeTtl = negativeTtl;
    }

    public int DefaultTtl { get; }

    public int NegativeTtl { get; }

    public void Add(IEnumerable<string> lines)
    {
        var parsed = lines.Select(l => TestDnsZoneLine.Parse(l, DefaultTtl)).ToArray();
        lock (_writeLock) _lines = [.. _lines, .. parsed];
    }

    /// <summary>Fills the response to one question; false when no reply must be sent (a TIMEOUT name).</summary>
    public bool Answer(DnsQuestion question, DnsMessage response)
    {
        var lines = Volatile.Read(ref _lines);
        var name = question.Name.ToString().TrimEnd('.').ToLowerInvariant();
        var fault = lines.FirstOrDefault(l => l.Fault is not null && IsAtOrBelow(name, l.Owner))?.Fault;
        if (fault == TestDnsFault.NoReply) return false;
        if (fault == TestDnsFault.ServerFailure)
        {
            response.ReturnCode = ReturnCode.ServerFailure;
            return true;
        }
        for (int hop = 0; hop < MaxCnameHops; hop++)
        {
            var found = lines.Where(l => l.Owner == name && l.Record is not null
                                         && (l.Record.RecordType == question.RecordType || question.RecordType == RecordType.Any)).ToList();
            response.AnswerRecords.AddRange(found.Select(l => l.Record!));
            if (found.Count > 0 || question.RecordType == RecordType.CName) break;
            var alias = lines.FirstOrDefault(l => l.Owner == name && l.Record is CNameRecord)?.Record as CNameRecord;
            if (alias is null) break;
            response.AnswerRecords.Add(alias);
            name = alias.CanonicalName.ToString().TrimEnd('.').ToLowerInvariant();
        }
        bool exists = lines.Any(l => l.Record is not null && IsAtOrBelow(l.Owner, name));
        response.ReturnCode = exists ? ReturnCode.NoError : ReturnCode.NxDomain;
        if (response.AnswerRecords.Count == 0 || !exists) response.AuthorityRecords.Add(Soa(name));
        return true;
    }

    private static bool IsAtOrBelow(string name, string ancestor) =>
        name == ancestor || name.EndsWith("." + ancestor, StringComparison.Ordinal);

    /// <summary>The SOA of the zone the name falls in, taken to be its top-level label (".test", ".arpa").</summary>
    private SoaRecord Soa(string name)
    {
        var label = name[(name.LastIndexOf('.') + 1)..];
        var apex = label.Length == 0 ? DomainName.Root : DomainName.Parse(label);
        return new SoaRecord(apex, NegativeTtl, DomainName.Parse("ns." + apex), DomainName.Parse("hostmaster." + apex),
            1, 3600, 600, 86400, NegativeTtl);
    }
}
