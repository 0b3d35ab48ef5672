namespace XMail.Fast.Tools.CtrlClnt;

/// <summary>How the CTRL link is secured: -S negotiates in-band with "#!TLS", -L talks TLS from the first byte (CTRLS port).</summary>
public enum CtrlTlsMode
{
    None,
    InBandSwitch,
    Native,
}
