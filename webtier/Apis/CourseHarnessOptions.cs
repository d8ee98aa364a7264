namespace ImageRec.WebTier.Apis;

/// <summary>
/// The course-harness route <c>POST /</c>. Section <c>CourseHarness</c>. The classic harness sends no
/// token, so the route is open to anyone who reaches the web tier; off unless asked for.
/// </summary>
public sealed class CourseHarnessOptions
{
    public const string Section = "CourseHarness";

    public bool Enabled { get; set; }
}
