using System.Text;
using ImageRec.Common.Aws.Credentials;
using ImageRec.Common.Aws.Signing;

namespace ImageRec.Tests.Aws;

/// <summary>
/// Runs our signer against the AWS SigV4 test suite (../shared/testdata/sigv4, README there):
/// canonical request, string to sign and Authorization must match byte for byte.
/// </summary>
public sealed class SigV4TestSuiteTests
{
    /// <summary>
    /// Cases deliberately not run, with the reason. Empty: every case applies to a non-S3 signer
    /// (normalize-path/* only does not apply to S3, which we sign with the SDK).
    /// </summary>
    private static readonly IReadOnlyDictionary<string, string> NotApplicable = new Dictionary<string, string>();

    private const int CasesInSuite = 34;

    private static readonly SigV4SuiteParameters Parameters = SigV4SuiteParameters.Load();

    public static TheoryData<string> ApplicableCases()
    {
        var data = new TheoryData<string>();
        foreach (var id in SigV4TestCase.DiscoverIds().Where(id => !NotApplicable.ContainsKey(id)))
        {
            data.Add(id);
        }
        return data;
    }

    [Fact]
    public void Suite_is_complete()
    {
        var ids = SigV4TestCase.DiscoverIds().ToList();
        Assert.Equal(CasesInSuite, ids.Count);
        Assert.Contains("normalize-path/get-space", ids);
        Assert.Contains("post-sts-token/post-sts-header-after", ids);
    }

    [Theory]
    [MemberData(nameof(ApplicableCases))]
    public void Signing_matches_expected_canonical_request_string_to_sign_and_authorization(string caseId)
    {
        var testCase = SigV4TestCase.Load(caseId);
        var options = SigV4SignerOptions.Default with
        {
            SignSessionToken = !Parameters.UnsignedSessionTokenCases.Contains(caseId),
        };

        var computation = SigV4Algorithm.Compute(
            testCase.ToSigV4Request(), CredentialsFor(caseId), Parameters.Region, Parameters.Service, testCase.SigningTime, options);

        Assert.Equal(testCase.ExpectedCanonicalRequest, computation.CanonicalRequest);
        Assert.Equal(testCase.ExpectedStringToSign, computation.StringToSign);
        Assert.Equal(testCase.ExpectedAuthorization, computation.Authorization);
        Assert.EndsWith("Signature=" + computation.Signature, computation.Authorization);
    }

    [Fact]
    public void Post_sts_header_after_matches_only_when_the_token_is_not_signed()
    {
        const string caseId = "post-sts-token/post-sts-header-after";
        var testCase = SigV4TestCase.Load(caseId);
        var credentials = CredentialsFor(caseId);
        Assert.True(credentials.HasSessionToken);

        var unsigned = SigV4Algorithm.Compute(testCase.ToSigV4Request(), credentials, Parameters.Region, Parameters.Service,
            testCase.SigningTime, SigV4SignerOptions.Default with { SignSessionToken = false });
        var signedToken = SigV4Algorithm.Compute(testCase.ToSigV4Request(), credentials, Parameters.Region, Parameters.Service,
            testCase.SigningTime, SigV4SignerOptions.Default);

        Assert.Equal(testCase.ExpectedAuthorization, unsigned.Authorization);
        Assert.Contains("SignedHeaders=host;x-amz-date,", unsigned.Authorization);
        Assert.NotEqual(testCase.ExpectedAuthorization, signedToken.Authorization);
        Assert.Contains("x-amz-security-token", signedToken.SignedHeaders);
    }

    /// <summary>
    /// The HttpRequestMessage signer adds Host/X-Amz-Date itself; for cases System.Uri leaves alone
    /// (no dot segments, raw UTF-8 or spaces in the path) it must produce the suite's Authorization.
    /// </summary>
    [Theory]
    [InlineData("get-vanilla")]
    [InlineData("post-vanilla")]
    [InlineData("get-vanilla-query-order-key-case")]
    [InlineData("get-vanilla-query-unreserved")]
    [InlineData("get-header-key-duplicate")]
    [InlineData("get-header-value-trim")]
    [InlineData("post-x-www-form-urlencoded-parameters")]
    [InlineData("get-vanilla-with-session-token")]
    [InlineData("post-sts-token/post-sts-header-before")]
    [InlineData("post-sts-token/post-sts-header-after")]
    public void Http_request_signer_produces_the_expected_authorization_header(string caseId)
    {
        var testCase = SigV4TestCase.Load(caseId);
        var signTokenFirst = !Parameters.UnsignedSessionTokenCases.Contains(caseId);
        var signer = new SigV4RequestSigner(SigV4SignerOptions.Default with { SignSessionToken = signTokenFirst });
        var body = Encoding.UTF8.GetBytes(testCase.Body);
        using var request = ToHttpRequestMessage(testCase, body);

        signer.Sign(request, body, CredentialsFor(caseId), Parameters.Region, Parameters.Service, testCase.SigningTime);

        Assert.Equal(testCase.ExpectedAuthorization, Assert.Single(request.Headers.GetValues("Authorization")));
        Assert.Equal(testCase.AmzDate, Assert.Single(request.Headers.GetValues("X-Amz-Date")));
        if (CredentialsFor(caseId).SessionToken is { } token)
        {
            Assert.Equal(token, Assert.Single(request.Headers.GetValues("X-Amz-Security-Token")));
        }
    }

    [Fact]
    public void Signing_twice_replaces_the_previous_signature_headers()
    {
        var testCase = SigV4TestCase.Load("get-vanilla");
        var signer = new SigV4RequestSigner();
        using var request = ToHttpRequestMessage(testCase, []);

        signer.Sign(request, [], CredentialsFor(testCase.Id), Parameters.Region, Parameters.Service, testCase.SigningTime.AddDays(-1));
        signer.Sign(request, [], CredentialsFor(testCase.Id), Parameters.Region, Parameters.Service, testCase.SigningTime);

        Assert.Equal(testCase.ExpectedAuthorization, Assert.Single(request.Headers.GetValues("Authorization")));
    }

    [Fact]
    public void Derived_signing_key_matches_the_suite()
    {
        var key = SigV4SigningKeyCache.DeriveSigningKey(Parameters.SecretAccessKey, "20150830", Parameters.Region, Parameters.Service);
        Assert.Equal("938127b5336810ddb6a5d6af445fcac9e371f9ed418ed386b022aed82901be75", Convert.ToHexStringLower(key));
    }

    private static AwsCredentialsSnapshot CredentialsFor(string caseId) =>
        new(Parameters.AccessKeyId, Parameters.SecretAccessKey, Parameters.SessionTokens.GetValueOrDefault(caseId));

    private static HttpRequestMessage ToHttpRequestMessage(SigV4TestCase testCase, byte[] body)
    {
        var host = testCase.Headers.Single(h => h.Key.Equals("Host", StringComparison.OrdinalIgnoreCase)).Value;
        var request = new HttpRequestMessage(new HttpMethod(testCase.Method), new Uri("https://" + host + testCase.Target));
        if (body.Length > 0)
        {
            request.Content = new ByteArrayContent(body);
        }
        foreach (var (name, value) in testCase.Headers)
        {
            // The signer sets Host and X-Amz-Date itself from the URI and the clock.
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase) || name.Equals("X-Amz-Date", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                request.Content ??= new ByteArrayContent([]);
                request.Content.Headers.TryAddWithoutValidation(name, value);
                continue;
            }
            request.Headers.TryAddWithoutValidation(name, value);
        }
        return request;
    }
}
