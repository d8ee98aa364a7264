using System.Security.Claims;
using ImageRec.Common.Configuration;
using ImageRec.WebTier.Auth;

namespace ImageRec.Tests.Auth;

/// <summary>Subjects become S3 key segments: deterministic, reversible, never a path step, never a reserved owner.</summary>
public sealed class OwnerTests
{
    [Theory]
    [InlineData("3f0c2a4e-9b1d-4c6e-8f7a-1b2c3d4e5f60", "user-3f0c2a4e-9b1d-4c6e-8f7a-1b2c3d4e5f60")] // Cognito
    [InlineData("248289761001", "user-248289761001")] // Google
    [InlineData("a.b_c-D", "user-a.b_c-D")]
    [InlineData("..", "user-..")]
    [InlineData("auth0|123", "user64-YXV0aDB8MTIz")]
    [InlineData("../../etc", "user64-Li4vLi4vZXRj")]
    [InlineData("a/b", "user64-YS9i")]
    [InlineData("anonymous", "user-anonymous")]
    [InlineData("course-harness", "user-course-harness")]
    [InlineData("ünïcödé", "user64-w7xuw69jw7Zkw6k")]
    public void Subjects_map_to_one_key_segment(string subject, string owner)
    {
        Assert.Equal(owner, Owner.FromSubject(subject));
        Assert.Equal(subject, Owner.SubjectOf(owner));
        Assert.DoesNotContain('/', owner);
        Assert.NotEqual(Owner.Anonymous, owner);
        Assert.NotEqual(Owner.CourseHarness, owner);
        var key = StorageOptions.InputKey(owner, "0190a8e2-7c1a-7000-8000-000000000000");
        Assert.Equal(owner, key.Split('/')[0]);
        Assert.DoesNotContain(key.Split('/'), segment => segment is "." or "..");
    }

    [Fact]
    public void Plain_and_encoded_subjects_never_collide()
    {
        // "user64-..." can only come from the encoding: a plain subject "64-x" becomes "user-64-x".
        var subjects = new[] { "64-YXV0aDB8MTIz", "auth0|123", "user64-YXV0aDB8MTIz", "YXV0aDB8MTIz" };
        Assert.Equal(subjects.Length, subjects.Select(Owner.FromSubject).Distinct().Count());
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public void Empty_subjects_are_refused(string? subject)
    {
        Assert.False(Owner.IsValidSubject(subject));
        Assert.ThrowsAny<ArgumentException>(() => Owner.FromSubject(subject!));
    }

    [Fact]
    public void Subjects_longer_than_OpenID_Connect_allows_are_refused()
    {
        Assert.True(Owner.IsValidSubject(new string('a', 255)));
        Assert.False(Owner.IsValidSubject(new string('a', 256)));
    }

    [Fact]
    public void The_caller_is_the_token_subject_or_anonymous_without_sign_in()
    {
        var tokenHolder = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "auth0|123")], "AuthenticationTypes.Federation"));
        var anonymous = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "anonymous")], AnonymousCallerHandler.SchemeName));
        var nobody = new ClaimsPrincipal(new ClaimsIdentity());

        Assert.Equal("user64-YXV0aDB8MTIz", Owner.From(tokenHolder));
        Assert.Equal("user64-YXV0aDB8MTIz", Owner.SignedInUser(tokenHolder));
        Assert.Equal(Owner.Anonymous, Owner.From(anonymous));
        Assert.Null(Owner.SignedInUser(anonymous));
        Assert.Null(Owner.SignedInUser(nobody));
        Assert.Throws<InvalidOperationException>(() => Owner.From(nobody));
    }
}
