using System.Text;
using XMail.Fast.Tools.XMCrypt;

namespace XMail.Fast.Tests.Tools;

/// <summary>"MAILUSERS.TAB" / "CTRLACCOUNTS.TAB": passwords are encoded with XMCrypt.</summary>
public class XMCryptToolTests
{
    [Theory]
    [InlineData("secret", "160006170011")]
    [InlineData("xmail", "1d08040c09")]
    public void Prints_the_encoded_password(string clear, string encoded)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Assert.Equal(0, XMCryptCommand.Run([clear], stdout, stderr));
        Assert.Equal(encoded + Environment.NewLine, stdout.ToString());
        Assert.Equal("", stderr.ToString());
    }

    [Fact]
    public void Non_ascii_password_is_encoded_byte_by_byte_from_UTF8_as_the_C_tool_did()
    {
        var stdout = new StringWriter();
        Assert.Equal(0, XMCryptCommand.Run(["pä"], stdout, new StringWriter()));
        var expected = string.Concat(Encoding.UTF8.GetBytes("pä").Select(b => (b ^ 0x65).ToString("x2")));
        Assert.Equal(expected, stdout.ToString().TrimEnd());
    }

    [Fact]
    public void Without_a_password_prints_usage_and_exits_1()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Assert.Equal(1, XMCryptCommand.Run([], stdout, stderr));
        Assert.Equal("", stdout.ToString());
        Assert.Contains("usage", stderr.ToString());
    }

    [Fact]
    public void Executable_prints_the_encoding_and_exit_codes()
    {
        var ok = ToolProcess.Run("XMCrypt", ["secret"]);
        Assert.Equal(0, ok.ExitCode);
        Assert.Equal("160006170011\n", ok.StdoutText.Replace("\r\n", "\n"));

        var bad = ToolProcess.Run("XMCrypt", []);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("usage", bad.Stderr);
    }
}
