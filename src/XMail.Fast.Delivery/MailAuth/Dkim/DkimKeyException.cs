namespace XMail.Fast.Delivery.MailAuth.Dkim;

/// <summary>Why a DKIM key could not be had: <see cref="Temporary"/> for a DNS failure (temperror), else permerror.</summary>
internal sealed class DkimKeyException(string message, bool temporary) : Exception(message)
{
    public bool Temporary { get; } = temporary;
}
