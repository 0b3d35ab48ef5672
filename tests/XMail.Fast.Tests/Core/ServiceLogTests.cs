using XMail.Fast.Core.Logging;

namespace XMail.Fast.Tests.Core;

public class ServiceLogTests
{
    private sealed class FakeTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
        public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
    }

    [Fact]
    public void Writes_quoted_tab_records_and_rotates_by_period()
    {
        var dir = Directory.CreateTempSubdirectory("xmf-log").FullName;
        try
        {
            var time = new FakeTime(new DateTimeOffset(2026, 11, 24, 15, 43, 0, TimeSpan.Zero));
            using var log = new ServiceLog(dir, "smtp", 6, time);
            log.Write("host", "127.0.0.1", "a\"b\tc");
            Assert.EndsWith("smtp-202611241200", log.CurrentPath);
            Assert.Equal("\"host\"\t\"127.0.0.1\"\t\"a b c\"\n", File.ReadAllText(log.CurrentPath!));
            time.Now = time.Now.AddHours(3);
            log.Write("next");
            Assert.EndsWith("smtp-202611241800", log.CurrentPath);
            Assert.Equal(2, Directory.GetFiles(dir).Length);
        }
        finally { Directory.Delete(dir, true); }
    }
}
