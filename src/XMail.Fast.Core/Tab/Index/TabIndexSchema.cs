namespace XMail.Fast.Core.Tab.Index;

/// <summary>Rejects a record the table cannot use: returns why (logged with file:line), or null to keep it.</summary>
public delegate string? TabRecordCheck(scoped in TabFields fields);

/// <summary>
/// What one indexed table looks like: which fields form the key, how many fields a record needs, whether
/// '*'/'?' in a key make it a wildcard pattern (kept out of the hash and matched after an exact miss),
/// and which numeric field's maximum the index remembers (mailusers.tab ids, for the next useradd).
/// </summary>
public sealed class TabIndexSchema
{
    public TabIndexSchema(string name, int[] keyFields, int minFields, bool wildcardKeys = false, int maxOfField = -1, TabRecordCheck? check = null)
    {
        if (keyFields.Length is < 1 or > 2) throw new ArgumentException("one or two key fields", nameof(keyFields));
        foreach (int k in keyFields)
            if (k < 0 || k >= minFields) throw new ArgumentException("key fields must lie within the required fields", nameof(keyFields));
        Name = name;
        KeyFields = keyFields;
        MinFields = minFields;
        WildcardKeys = wildcardKeys;
        MaxOfField = maxOfField;
        Check = check;
    }

    /// <summary>Short name used for the index file: MailRoot/tabindex/&lt;Name&gt;.hidx.</summary>
    public string Name { get; }
    public int[] KeyFields { get; }
    public int MinFields { get; }
    public bool WildcardKeys { get; }
    public int MaxOfField { get; }
    public TabRecordCheck? Check { get; }

    /// <summary>Identifies the layout in the index header, so an index built for other key fields is never reused.</summary>
    public uint Fingerprint
    {
        get
        {
            uint f = (uint)MinFields | (WildcardKeys ? 0x80u : 0u) | ((uint)(MaxOfField + 1) << 8);
            for (int i = 0; i < KeyFields.Length; i++) f |= (uint)(KeyFields[i] + 1) << (16 + 8 * i);
            return f;
        }
    }

    public bool IsWildcard(scoped in TabFields fields)
    {
        if (!WildcardKeys) return false;
        foreach (int k in KeyFields)
            if (fields[k].IndexOfAny((byte)'*', (byte)'?') >= 0) return true;
        return false;
    }
}
