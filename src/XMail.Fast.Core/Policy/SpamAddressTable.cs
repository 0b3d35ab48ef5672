using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Matching;
using XMail.Fast.Core.Tab;

namespace XMail.Fast.Core.Policy;

/// <summary>spam-address.tab: sender patterns ("*@rude.net") refused at MAIL FROM.</summary>
public sealed class SpamAddressTable
{
    private readonly string[] _patterns;

    private SpamAddressTable(string[] patterns) => _patterns = patterns;

    public static SpamAddressTable Load(string path, ILogger? log = null) =>
        new(TabFile.Records(path, 1, log).Select(l => l.Fields![0]).Where(p => p.Length > 0).ToArray());

    public bool IsSpammer(ReadOnlySpan<char> sender)
    {
        foreach (var p in _patterns)
            if (Wildcard.IsMatch(p, sender)) return true;
        return false;
    }
}
