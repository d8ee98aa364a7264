using ImageRec.LoadGen;
using ImageRec.Tests.Infrastructure;
using ExpectedLabel = ImageRec.LoadGen.ExpectedLabel;

namespace ImageRec.Tests.LoadGen;

public sealed class ExpectedLabelsTests
{
    private const string Csv = """
        file,expected_top1_label,dataset_label,expected_top1_index,dataset_index,dataset_wnid,reference_top1_prob,reference_top5_indices,source_file
        img_00.jpg,robin,robin,15,15,n01558993,1.0000,15;10;95;91;16,n01558993_robin.JPEG
        img_02.jpg,garden spider,garden spider,74,74,n01773797,0.7174,74;72;73;815;70,n01773797_garden_spider.JPEG
        img_09.jpg,"tabby, tabby cat",tabby,281,281,n02123045,0.5,281;282,x.JPEG

        """;

    [Fact]
    public void Reads_file_label_and_index_by_column_name()
    {
        var expected = ExpectedLabels.Parse(new StringReader(Csv));
        Assert.Equal(3, expected.Count);
        Assert.Equal(new ExpectedLabel("img_00.jpg", "robin", 15), expected["img_00.jpg"]);
        Assert.Equal(new ExpectedLabel("img_02.jpg", "garden spider", 74), expected["img_02.jpg"]);
        Assert.Equal(new ExpectedLabel("img_09.jpg", "tabby, tabby cat", 281), expected["img_09.jpg"]);
    }

    [Fact]
    public void Columns_in_another_order_and_crlf_line_ends()
    {
        var expected = ExpectedLabels.Parse(new StringReader("expected_top1_index,file,expected_top1_label\r\n7,a.png,cock\r\n"));
        Assert.Equal(new ExpectedLabel("a.png", "cock", 7), expected["a.png"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("file,label\nimg_00.jpg,robin\n")]
    [InlineData("file,expected_top1_label,expected_top1_index\nimg_00.jpg,robin,fifteen\n")]
    [InlineData("file,expected_top1_label,expected_top1_index\nimg_00.jpg,robin\n")]
    public void Malformed_files_are_refused(string csv) =>
        Assert.Throws<FormatException>(() => ExpectedLabels.Parse(new StringReader(csv)));

    [Fact]
    public void The_shared_test_images_file_parses_when_present()
    {
        var path = Path.Combine(RepositoryPaths.Shared, "testdata", "images", "expected.csv");
        if (!File.Exists(path)) return; // the data lives beside the repository; other tests report it missing
        var expected = ExpectedLabels.Load(path);
        Assert.Equal(15, expected["img_00.jpg"].Index);
        Assert.Equal("robin", expected["img_00.jpg"].Label);
    }
}
