using XMail.Fast.Core.Spool;

namespace XMail.Fast.Tests.Core;

public class FileSyncTests
{
    [Fact]
    public void Same_file_system_is_told_apart_from_another_one()
    {
        var dir = Directory.CreateTempSubdirectory("xmf-fs").FullName;
        try
        {
            var sub = Directory.CreateDirectory(Path.Combine(dir, "a", "b")).FullName;
            if (!OperatingSystem.IsLinux())
            {
                Assert.False(FileSync.SameFileSystem(dir, sub)); // no syncfs elsewhere: always the per-file path
                return;
            }
            Assert.True(FileSync.SameFileSystem(dir, sub));
            Assert.False(FileSync.SameFileSystem(dir, "/proc"));             // procfs is always its own file system
            Assert.False(FileSync.SameFileSystem(dir, Path.Combine(dir, "missing")));
        }
        finally { Directory.Delete(dir, true); }
    }
}
