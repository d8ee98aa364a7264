using System.Net;
using ImageRec.LoadGen;

namespace ImageRec.Tests.LoadGen;

public sealed class AnswerCheckerTests
{
    private static readonly ExpectedLabel Robin = new("img_00.jpg", "robin", 15);
    private static readonly ExpectedLabel Spider = new("img_02.jpg", "garden spider", 74);

    private static string V1Body(string status, int index, string label) =>
        "{\"id\":\"abc\",\"status\":\"" + status + "\",\"labels\":[{\"index\":" + index + ",\"label\":\"" + label
        + "\",\"score\":0.97},{\"index\":10,\"label\":\"brambling\",\"score\":0.01}],\"model\":{\"name\":\"m\",\"sha256\":\"x\"}}";

    [Fact]
    public void Harness_answer_name_colon_label_is_ok()
    {
        Assert.Equal(Outcome.Ok, AnswerChecker.Check(LoadMode.Harness, "img_00.jpg", HttpStatusCode.OK, "img_00:robin", Robin));
        Assert.Equal(Outcome.Ok, AnswerChecker.Check(LoadMode.Harness, "img_02.jpg", HttpStatusCode.OK, "img_02:garden spider\n", Spider));
    }

    [Fact]
    public void Harness_other_label_is_wrong_and_other_name_is_a_bad_body()
    {
        var wrong = AnswerChecker.Check(LoadMode.Harness, "img_00.jpg", HttpStatusCode.OK, "img_00:goldfinch", Robin);
        Assert.Equal(Verdict.Wrong, wrong.Verdict);
        Assert.Contains("img_00:robin", wrong.Detail);
        Assert.Equal(Outcome.Error("bad-body", "img_01:robin"), AnswerChecker.Check(LoadMode.Harness, "img_00.jpg", HttpStatusCode.OK, "img_01:robin", Robin));
        Assert.Equal("bad-body", AnswerChecker.Check(LoadMode.Harness, "img_00.jpg", HttpStatusCode.OK, "robin", Robin).ErrorKind);
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable, "http-503")]
    [InlineData(HttpStatusCode.GatewayTimeout, "http-504")]
    [InlineData(HttpStatusCode.UnprocessableEntity, "http-422")]
    public void Harness_error_statuses_are_errors_by_status(HttpStatusCode status, string kind)
    {
        var outcome = AnswerChecker.Check(LoadMode.Harness, "img_00.jpg", status, """{"reason":"x"}""", Robin);
        Assert.Equal((Verdict.Error, kind), (outcome.Verdict, outcome.ErrorKind));
    }

    [Fact]
    public void Without_an_expected_label_any_well_formed_success_is_ok()
    {
        Assert.Equal(Outcome.Ok, AnswerChecker.Check(LoadMode.Harness, "cat.png", HttpStatusCode.OK, "cat:tabby", null));
        Assert.Equal(Outcome.Ok, AnswerChecker.Check(LoadMode.V1, "cat.png", HttpStatusCode.OK, V1Body("succeeded", 281, "tabby"), null));
    }

    [Fact]
    public void V1_compares_the_top_class_index()
    {
        Assert.Equal(Outcome.Ok, AnswerChecker.Check(LoadMode.V1, "img_00.jpg", HttpStatusCode.OK, V1Body("succeeded", 15, "robin"), Robin));
        // The label text does not matter in v1 mode; the index does.
        Assert.Equal(Outcome.Ok, AnswerChecker.Check(LoadMode.V1, "img_00.jpg", HttpStatusCode.OK, V1Body("succeeded", 15, "American robin"), Robin));
        var wrong = AnswerChecker.Check(LoadMode.V1, "img_00.jpg", HttpStatusCode.OK, V1Body("succeeded", 10, "brambling"), Robin);
        Assert.Equal(Verdict.Wrong, wrong.Verdict);
        Assert.Contains("expected 15 (robin)", wrong.Detail);
    }

    [Theory]
    [InlineData(HttpStatusCode.Accepted, """{"id":"abc","status":"queued"}""", "not-ready-202")]
    [InlineData(HttpStatusCode.OK, """{"id":"abc","status":"failed","labels":[],"error":"corrupt"}""", "status-failed")]
    [InlineData(HttpStatusCode.OK, """{"id":"abc","status":"queued"}""", "status-queued")]
    [InlineData(HttpStatusCode.OK, """{"id":"abc","status":"succeeded","labels":[]}""", "bad-body")]
    [InlineData(HttpStatusCode.OK, "not json", "bad-body")]
    [InlineData(HttpStatusCode.UnsupportedMediaType, """{"reason":"unsupported-type"}""", "http-415")]
    [InlineData(HttpStatusCode.ServiceUnavailable, "", "http-503")]
    public void V1_errors_by_kind(HttpStatusCode status, string body, string kind)
    {
        var outcome = AnswerChecker.Check(LoadMode.V1, "img_00.jpg", status, body, Robin);
        Assert.Equal((Verdict.Error, kind), (outcome.Verdict, outcome.ErrorKind));
    }

    [Theory]
    [InlineData(HttpStatusCode.Accepted, """{"id":"0190a8e2-7c1a-7000-8000-000000000000","status":"queued"}""", null)]
    [InlineData(HttpStatusCode.OK, """{"id":"x","status":"succeeded"}""", "http-200")]
    [InlineData(HttpStatusCode.Accepted, """{"status":"queued"}""", "bad-body")]
    [InlineData(HttpStatusCode.Accepted, "not json", "bad-body")]
    [InlineData(HttpStatusCode.RequestEntityTooLarge, """{"reason":"file-too-large"}""", "http-413")]
    public void Upload_mode_counts_a_queued_202_as_ok(HttpStatusCode status, string body, string? errorKind)
    {
        var outcome = AnswerChecker.Check(LoadMode.Upload, "img_00.jpg", status, body, Robin);
        Assert.Equal(errorKind is null ? Verdict.Ok : Verdict.Error, outcome.Verdict);
        Assert.Equal(errorKind, outcome.ErrorKind);
    }
}
