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

    [Fact]
    public void A_move_makes_a_missing_target_folder_and_never_replaces_an_existing_file()
    {
        var dir = Directory.CreateTempSubdirectory("xmf-move").FullName;
        try
        {
            var a = Path.Combine(dir, "a");
            File.WriteAllText(a, "one");
            var target = Path.Combine(dir, "new", "a");
            Assert.Equal(Path.Combine(dir, "new"), FileSync.MoveIntoFolder(a, target));
            Assert.Equal("one", File.ReadAllText(target));
            Assert.False(File.Exists(a));

            var b = Path.Combine(dir, "b");
            File.WriteAllText(b, "two");
            Assert.ThrowsAny<IOException>(() => FileSync.MoveIntoFolder(b, target));
            Assert.Equal("one", File.ReadAllText(target)); // untouched
            Assert.True(File.Exists(b));
            Assert.Throws<FileNotFoundException>(() => FileSync.MoveIntoFolder(Path.Combine(dir, "missing"), Path.Combine(dir, "x")));
        }
        finally { Directory.Delete(dir, true); }
    }
}
