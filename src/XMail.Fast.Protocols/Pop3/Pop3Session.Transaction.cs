using Microsoft.Extensions.Logging;
using XMail.Fast.Core.Mailbox;

namespace XMail.Fast.Protocols.Pop3;

/// <summary>TRANSACTION: STAT, LIST, UIDL, RETR, TOP, DELE, NOOP, LAST, RSET over the mailbox listed at login.</summary>
internal sealed partial class Pop3Session
{
    private Pop3Mailbox? _mailbox;
    private bool[] _deleted = [];
    private int _count;
    private long _size;
    private int _lastAccessed;
    private bool _scanCur;

    private async ValueTask ExecuteTransactionAsync(Pop3Verb verb)
    {
        Pop3CommandParser.ParseVerb(Reader.Line, out var args);
        switch (verb)
        {
            case Pop3Verb.Stat:
                _t.Buffer(Pop3Replies.OkPrefix); _t.BufferNumber(_count); _t.Buffer(" "); _t.BufferNumber(_size); _t.BufferCrlf();
                break;
            case Pop3Verb.Noop:
            case Pop3Verb.Rset:
                if (verb == Pop3Verb.Rset) ResetDeletions();
                WriteMaildrop();
                break;
            case Pop3Verb.Last:
                _t.Buffer(Pop3Replies.OkPrefix); _t.BufferNumber(_lastAccessed); _t.BufferCrlf();
                break;
            case Pop3Verb.List:
            case Pop3Verb.Uidl:
                DoListOrUidl(verb == Pop3Verb.Uidl, args);
                break;
            case Pop3Verb.Dele:
            {
                if (!Pop3CommandParser.TryReadInt(ref args, out int index)) { _t.BufferLine(Pop3Replies.Syntax); break; }
                if (!CheckMessage(index)) break;
                _deleted[index - 1] = true;
                _count--;
                _size -= _mailbox!.Messages[index - 1].Size;
                _lastAccessed = index;
                _t.BufferLine(Pop3Replies.Deleted);
                break;
            }
            case Pop3Verb.Retr:
            {
                if (!Pop3CommandParser.TryReadInt(ref args, out int index)) { _t.BufferLine(Pop3Replies.Syntax); break; }
                await SendMessageAsync(index, -1, top: false).ConfigureAwait(false);
                break;
            }
            case Pop3Verb.Top:
            {
                if (!Pop3CommandParser.TryReadInt(ref args, out int index) || !Pop3CommandParser.TryReadInt(ref args, out int lines))
                {
                    _t.BufferLine(Pop3Replies.Syntax);
                    break;
                }
                await SendMessageAsync(index, Math.Max(0, lines), top: true).ConfigureAwait(false);
                break;
            }
        }
    }

    /// <summary>Range and deletion checks shared by DELE, RETR and TOP (XMail's wording).</summary>
    private bool CheckMessage(int index)
    {
        if (index < 1 || index > _deleted.Length)
        {
            _t.BufferLine(Pop3Replies.OutOfRange);
            return false;
        }
        if (_deleted[index - 1])
        {
            _t.BufferLine(Pop3Replies.AlreadyDeleted);
            return false;
        }
        return true;
    }

    private void DoListOrUidl(bool uidl, ReadOnlySpan<byte> args)
    {
        var messages = _mailbox!.Messages;
        if (Pop3CommandParser.TryReadInt(ref args, out int index))
        {
            if (index < 1 || index > messages.Count || _deleted[index - 1])
            {
                _t.BufferLine(Pop3Replies.NoSuchMessage);
                return;
            }
            _t.Buffer(Pop3Replies.OkPrefix); _t.BufferNumber(index); _t.Buffer(" ");
            if (uidl) _t.Buffer(messages[index - 1].Uidl); else _t.BufferNumber(messages[index - 1].Size);
            _t.BufferCrlf();
            return;
        }
        _t.Buffer(Pop3Replies.OkPrefix); _t.BufferNumber(_count);
        if (!uidl) { _t.Buffer(" "); _t.BufferNumber(_size); }
        _t.BufferCrlf();
        for (int i = 0; i < messages.Count; i++)
        {
            if (_deleted[i]) continue;
            _t.BufferNumber(i + 1); _t.Buffer(" ");
            if (uidl) _t.Buffer(messages[i].Uidl); else _t.BufferNumber(messages[i].Size);
            _t.BufferCrlf();
        }
        _t.BufferLine(Pop3Replies.EndOfList);
    }

    private async ValueTask SendMessageAsync(int index, long bodyLines, bool top)
    {
        if (!CheckMessage(index)) return;
        var message = _mailbox!.Messages[index - 1];
        Microsoft.Win32.SafeHandles.SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(_mailbox.FullPath(message), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _log.LogWarning("POP3 cannot open message {File}: {Error}", message.RelativePath, ex.Message);
            _t.BufferLine(Pop3Replies.CannotOpenMessage);
            return;
        }
        using (handle)
        {
            _t.Buffer(top ? Pop3Replies.TopPrefix : Pop3Replies.OkPrefix); _t.BufferNumber(message.Size); _t.Buffer(" bytes"); _t.BufferCrlf();
            await MessageStreamer.WriteAsync(handle, Out, bodyLines, _t.Closed).ConfigureAwait(false);
        }
        _lastAccessed = index;
    }

    private void ResetDeletions()
    {
        Array.Clear(_deleted);
        _count = _mailbox!.Messages.Count;
        _size = _mailbox.TotalSize;
        _lastAccessed = 0;
    }

    private void WriteMaildrop()
    {
        _t.Buffer(Pop3Replies.MaildropPrefix); _t.BufferNumber(_count); _t.Buffer(" messages ("); _t.BufferNumber(_size); _t.Buffer(" bytes)"); _t.BufferCrlf();
    }
}
