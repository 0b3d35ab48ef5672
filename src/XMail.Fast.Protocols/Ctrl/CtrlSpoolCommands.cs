using Microsoft.Extensions.Logging;
using XMail.Fast.Core;
using XMail.Fast.Core.Spool;
using XMail.Fast.Core.Tab;
using static XMail.Fast.Protocols.Ctrl.CtrlUserCommands;

namespace XMail.Fast.Protocols.Ctrl;

/// <summary>frozlist frozsubmit frozdel frozgetlog frozgetmsg etrn: the frozen queue and early retries.</summary>
internal static class CtrlSpoolCommands
{
    /// <summary>
    /// Lines "msgfile" "lev0" "lev1" "&lt;from&gt;" "&lt;to&gt;" "YYYY-MM-DD HH:MM:SS" "size" "tries" "froz" as XMail 1.27
    /// writes them (the time is the last delivery attempt).
    /// </summary>
    public static async ValueTask<bool> FrozList(CtrlSession s, string[] t)
    {
        var lines = s.Services.Frozen.List()
            .Select(e => TabParser.Format([e.Ref.Name, e.Ref.Level0.ToString(), e.Ref.Level1.ToString(), "<" + e.From + ">", "<" + e.To + ">",
                                           CtrlDates.Numeric(e.LastTry), e.Size.ToString(), e.Tries.ToString(), "froz"]))
            .ToList();
        await s.SendListAsync(lines);
        return true;
    }

    public static async ValueTask<bool> FrozSubmit(CtrlSession s, string[] t)
    {
        if (!TryRef(s, t, out var r)) return await Reply(s, ErrorCode.SpoolFileNotFound);
        var code = s.Services.Frozen.Submit(r);
        if (code == ErrorCode.Success)
        {
            await s.Context.Queue.EnqueueAsync(r, s.Transport.Closed);
            s.Log.LogInformation("CTRL [{Ip}] frozen message {L0}/{L1}/{Name} resubmitted", s.PeerIp, r.Level0, r.Level1, r.Name);
        }
        return await Reply(s, code);
    }

    public static async ValueTask<bool> FrozDel(CtrlSession s, string[] t)
    {
        if (!TryRef(s, t, out var r)) return await Reply(s, ErrorCode.SpoolFileNotFound);
        var code = s.Services.Frozen.Delete(r);
        if (code == ErrorCode.Success) s.Log.LogInformation("CTRL [{Ip}] frozen message {L0}/{L1}/{Name} deleted", s.PeerIp, r.Level0, r.Level1, r.Name);
        return await Reply(s, code);
    }

    public static async ValueTask<bool> FrozGetLog(CtrlSession s, string[] t)
    {
        if (!TryRef(s, t, out var r) || !s.Services.Frozen.Exists(r)) return await Reply(s, ErrorCode.SpoolFileNotFound);
        var log = s.Services.Frozen.LogPath(r);
        if (!File.Exists(log)) return await Reply(s, ErrorCode.FileOpen);
        await s.SendFilesAsync([log]);
        return true;
    }

    public static async ValueTask<bool> FrozGetMsg(CtrlSession s, string[] t)
    {
        if (!TryRef(s, t, out var r) || !s.Services.Frozen.Exists(r)) return await Reply(s, ErrorCode.SpoolFileNotFound);
        await s.SendFilesAsync([s.Services.Frozen.MessagePath(r)]);
        return true;
    }

    /// <summary>etrn "email-match" ...: rsnd/ messages with a matching recipient go back to the SMAIL queue now.</summary>
    public static async ValueTask<bool> Etrn(CtrlSession s, string[] t)
    {
        int count = 0;
        for (int i = 1; i < t.Length; i++)
        {
            foreach (var r in s.Services.Frozen.FlushResend(t[i]))
            {
                await s.Context.Queue.EnqueueAsync(r, s.Transport.Closed);
                count++;
            }
        }
        s.Log.LogInformation("CTRL [{Ip}] etrn: {Count} message(s) requeued", s.PeerIp, count);
        return await Reply(s, ErrorCode.Success);
    }

    private static bool TryRef(CtrlSession s, string[] t, out SpoolRef r)
    {
        if (s.Services.Frozen.TryRef(t[1], t[2], t[3], out r)) return true;
        s.Log.LogWarning("CTRL [{Ip}] bad frozen message reference \"{L0}\" \"{L1}\" \"{Name}\"", s.PeerIp, t[1], t[2], t[3]);
        return false;
    }
}
