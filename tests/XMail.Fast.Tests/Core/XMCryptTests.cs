using XMail.Fast.Core.Security;

namespace XMail.Fast.Tests.Core;

public class XMCryptTests
{
    [Theory]
    [InlineData("secret", "160006170011")]
    [InlineData("xmail", "1d08040c09")]
    [InlineData("secret1", "16000617001154")]
    public void Encode_matches_XMail_1_27_vectors(string clear, string encoded)
    {
        Assert.Equal(encoded, XMCrypt.Encode(clear));
        Assert.True(XMCrypt.TryDecode(encoded, out var back));
        Assert.Equal(clear, back);
    }

    [Fact]
    public void Decode_rejects_non_hex()
    {
        Assert.False(XMCrypt.TryDecode("zz", out _));
        Assert.False(XMCrypt.TryDecode("abc", out _));
    }
}
