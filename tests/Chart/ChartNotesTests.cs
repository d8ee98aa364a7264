using ImageRec.Tests.Chart.Support;

namespace ImageRec.Tests.Chart;

/// <summary>
/// NOTES.txt renders and tells the user what to do next. `helm template` skips NOTES and Helm 3's
/// `install --dry-run` needs a cluster, so the test renders NOTES.txt through a copy of the chart in
/// which a ConfigMap includes it.
/// </summary>
public class ChartNotesTests
{
    public static TheoryData<int> Helms() => ChartUnderTest.HelmMajors();

    private static string RenderNotes(int helm, params string[] set)
    {
        var copy = Directory.CreateTempSubdirectory("imagerec-notes-");
        try
        {
            CopyDirectory(ChartUnderTest.Directory, copy.FullName);
            var templates = Path.Combine(copy.FullName, "templates");
            var notes = File.ReadAllText(Path.Combine(templates, "NOTES.txt"));
            File.WriteAllText(Path.Combine(templates, "_notes-under-test.tpl"), "{{- define \"notes-under-test\" -}}\n" + notes + "\n{{- end -}}\n");
            File.WriteAllText(Path.Combine(templates, "notes-under-test.yaml"),
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes\ndata:\n  notes: {{ include \"notes-under-test\" . | quote }}\n");
            var result = HelmBinary.ForMajor(helm).Run(
                ["template", ChartUnderTest.ReleaseName, copy.FullName, "--namespace", ChartUnderTest.Namespace, "--show-only", "templates/notes-under-test.yaml", .. set.SelectMany(s => new[] { "--set", s })],
                workingDirectory: null);
            Assert.True(result.Succeeded, result.Describe());
            return (string)YamlManifests.Parse(result.StdOut).Single()["data"]!["notes"]!;
        }
        finally { copy.Delete(recursive: true); }
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }

    [Theory]
    [MemberData(nameof(Helms))]
    public void Notes_say_how_to_wait_create_a_pool_classify_and_test(int helm)
    {
        var notes = RenderNotes(helm);
        Assert.Contains("rollout status deployment/imagerec-image-recognition-webtier", notes);
        Assert.Contains("kind: RecognitionPool", notes);
        Assert.Contains("aws dynamodb create-table --region us-east-1 --cli-input-json \"$(INDEX_TABLE=imagerec-images envsubst '${INDEX_TABLE}' < deploy/eks/image-index-table.json)\"", notes);
        Assert.Contains("aws dynamodb wait table-exists --region us-east-1 --table-name imagerec-images", notes);
        Assert.Contains("indexTable: imagerec-images", notes);
        Assert.Contains("port-forward service/imagerec-image-recognition-webtier 8080:80", notes);
        Assert.Contains("curl -F image=@cat.jpg 'http://127.0.0.1:8080/v1/images?wait=10'", notes);
        Assert.Contains("Sign-in is off (auth.mode=none)", notes);
        Assert.Contains("helm test imagerec -n imagerec", notes);
        Assert.Contains("roleArn is empty", notes);
        Assert.DoesNotContain("<no value>", notes);
    }

    [Theory]
    [MemberData(nameof(Helms))]
    public void Notes_follow_the_values(int helm)
    {
        var notes = RenderNotes(helm, "ingress.enabled=false", "webtier.serviceAccount.roleArn=arn:aws:iam::000000000000:role/web",
            "samplePool.enabled=true", "samplePool.name=gpu", "samplePool.queue.url=https://sqs.us-east-1.amazonaws.com/000000000000/q",
            "samplePool.model.sha256=cc028fe6cae7bc11a4ff53cfc9b79c920e8be65ce33a904ec3e2a8f66d77f95f");
        Assert.Contains("port-forward service/imagerec-image-recognition-webtier 8080:80", notes);
        Assert.Contains("get rpool gpu -w", notes);
        Assert.DoesNotContain("roleArn is empty", notes);
    }

    [Theory]
    [MemberData(nameof(Helms))]
    public void Notes_create_the_named_table_where_the_services_look_for_it(int helm)
    {
        var notes = RenderNotes(helm, "index.tableName=team-a.images", "aws.region=eu-west-1", "aws.serviceUrl=http://emulator:4566");
        Assert.Contains("DynamoDB table \"team-a.images\"", notes);
        Assert.Contains("aws dynamodb create-table --region eu-west-1 --endpoint-url http://emulator:4566 --cli-input-json \"$(INDEX_TABLE=team-a.images envsubst", notes);
        Assert.Contains("aws dynamodb wait table-exists --region eu-west-1 --endpoint-url http://emulator:4566 --table-name team-a.images", notes);
    }

    [Theory]
    [MemberData(nameof(Helms))]
    public void Notes_show_the_bearer_token_when_sign_in_is_on(int helm)
    {
        var notes = RenderNotes(helm, "ingress.enabled=true", "auth.mode=oidc",
            "auth.oidc.issuer=https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Pool", "auth.oidc.clientId=page-client");
        Assert.Contains("TOKEN: an access token from https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Pool for the client page-client", notes);
        Assert.Contains("curl -H \"Authorization: Bearer $TOKEN\" -F image=@cat.jpg 'http://imagerec.local/v1/images?wait=10'", notes);
        Assert.DoesNotContain("Sign-in is off", notes);
    }
}
