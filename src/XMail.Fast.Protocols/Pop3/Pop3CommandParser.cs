using System.Buffers.Binary;

namespace XMail.Fast.Protocols.Pop3;

/// <summary>
/// Stateless, allocation-free parsing of one POP3 command line (bytes without CRLF): the verb and its numeric
/// arguments, read the way XMail 1.27 reads them (sscanf "%*s %d": "LIST abc" has no argument, "LIST -1" has -1,
/// "LIST 2x" has 2).
/// </summary>
public static class Pop3CommandParser
{
    private const byte Space = (byte)' ';

    public static Pop3Verb ParseVerb(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> arguments)
    {
        int start = 0;
        while (start < line.Length && line[start] == Space) start++;
        line = line[start..];
        int sp = line.IndexOf(Space);
        var verb = sp < 0 ? line : line[..sp];
        arguments = sp < 0 ? ReadOnlySpan<byte>.Empty : line[(sp + 1)..];
        if (verb.Length == 4)
        {
            // ASCII upper-case of four letters in one go; non-letters cannot collide with a verb.
            uint v = BinaryPrimitives.ReadUInt32BigEndian(verb) & 0xDFDFDFDF;
            return v switch
            {
                0x55534552 => Pop3Verb.User, // USER
                0x50415353 => Pop3Verb.Pass, // PASS
                0x41504F50 => Pop3Verb.Apop, // APOP
                0x43415041 => Pop3Verb.Capa, // CAPA
                0x53544C53 => Pop3Verb.Stls, // STLS
                0x53544154 => Pop3Verb.Stat, // STAT
                0x4C495354 => Pop3Verb.List, // LIST
                0x5549444C => Pop3Verb.Uidl, // UIDL
                0x51554954 => Pop3Verb.Quit, // QUIT
                0x52455452 => Pop3Verb.Retr, // RETR
                0x44454C45 => Pop3Verb.Dele, // DELE
                0x4E4F4F50 => Pop3Verb.Noop, // NOOP
                0x4C415354 => Pop3Verb.Last, // LAST
                0x52534554 => Pop3Verb.Rset, // RSET
                _ => Pop3Verb.Unknown,
            };
        }
        if (verb.Length == 3 && (verb[0] | 0x20) == 't' && (verb[1] | 0x20) == 'o' && (verb[2] | 0x20) == 'p') return Pop3Verb.Top;
        return Pop3Verb.Unknown;
    }

    /// <summary>Reads the next integer argument like sscanf "%d": skips spaces, optional sign, digits. False if none.</summary>
    public static bool TryReadInt(ref ReadOnlySpan<byte> args, out int value)
    {
        value = 0;
        int i = 0;
        while (i < args.Length && (args[i] == Space || args[i] == (byte)'\t')) i++;
        bool negative = false;
        if (i < args.Length && (args[i] == (byte)'-' || args[i] == (byte)'+'))
        {
            negative = args[i] == (byte)'-';
            i++;
        }
        int digitsStart = i;
        long acc = 0;
        while (i < args.Length && (uint)(args[i] - '0') <= 9)
        {
            if (acc < int.MaxValue) acc = acc * 10 + (args[i] - '0');
            i++;
        }
        if (i == digitsStart) return false;
        if (acc > int.MaxValue) acc = int.MaxValue;
        value = negative ? -(int)acc : (int)acc;
        args = args[i..];
        return true;
    }
}
