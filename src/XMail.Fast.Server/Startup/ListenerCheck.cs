using System.Net;
using System.Net.Sockets;
using XMail.Fast.Core.Config;

namespace XMail.Fast.Server.Startup;

/// <summary>
/// Every enabled listener, checked before Kestrel binds: the port is in range and the address can be bound. A failure
/// names the service, its switch and the fix, where Kestrel would say "Failed to bind to address http://...". The
/// probe binds with SO_REUSEADDR as Kestrel does, so a port whose last connections are in TIME_WAIT still passes.
/// </summary>
internal static class ListenerCheck
{
    /// <summary>The letter of each service's switches (-Sp, -SI, -S-, ...), as "COMMAND LINE" names them.</summary>
    public static char SwitchLetter(string service) => service switch
    {
        "SMTP" => 'S', "SMTPS" => 'X', "POP3" => 'P', "POP3S" => 'B', "FINGER" => 'F', "CTRL" => 'C', "CTRLS" => 'W', _ => '?',
    };

    public static void CheckPorts(IEnumerable<(string Service, ServiceOptions Options)> services)
    {
        foreach (var (service, svc) in services)
        {
            char x = SwitchLetter(service);
            if (svc.Port is < 0 or > IPEndPoint.MaxPort)
                throw new StartupFailure(ExitCodes.CannotListen,
                    $"{service} port {svc.Port} (-{x}p) is out of range; give a port from 1 to 65535 with -{x}p, or disable {service} with -{x}-");
        }
    }

    public static void CheckBinds(IEnumerable<(string Service, IPEndPoint EndPoint)> endpoints)
    {
        foreach (var (service, ep) in endpoints)
        {
            if (ep.Port == 0) continue; // any free port: nothing to collide with
            using var socket = new Socket(ep.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                if (!OperatingSystem.IsWindows()) socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                if (ep.Address.Equals(IPAddress.IPv6Any)) socket.DualMode = true; // as Kestrel binds [::]
                socket.Bind(ep);
            }
            catch (SocketException ex)
            {
                throw new StartupFailure(ExitCodes.CannotListen, Describe(service, ep, ex.SocketErrorCode), ex);
            }
        }
    }

    /// <summary>Kestrel's own bind failure (a race with the check above): the same kind of line.</summary>
    public static StartupFailure FromKestrel(IOException ex) =>
        new(ExitCodes.CannotListen, $"cannot listen: {ex.Message.Replace("http://", "", StringComparison.Ordinal).TrimEnd('.')}; " +
            "stop the program holding that port or change the service's -Xp/-XI switch", ex);

    private static string Describe(string service, IPEndPoint ep, SocketError error)
    {
        char x = SwitchLetter(service);
        // The metrics listener has no switch: XMAIL_METRICS sets it.
        string move = x == '?' ? "change XMAIL_METRICS" : $"choose another port with -{x}p or -{x}I, or disable {service} with -{x}-";
        return error switch
        {
            SocketError.AddressAlreadyInUse =>
                $"{service} cannot listen on {ep}: the port is in use by another program (another XMail?); stop it, or {move}",
            SocketError.AccessDenied =>
                $"{service} cannot listen on {ep}: ports below 1024 need root or CAP_NET_BIND_SERVICE ({CurrentUser.Describe()}); grant it (the systemd unit does), or {move}",
            SocketError.AddressNotAvailable =>
                $"{service} cannot listen on {ep}: {ep.Address} is not an address of this host; {move}",
            _ => $"{service} cannot listen on {ep}: {error}; {move}",
        };
    }
}
