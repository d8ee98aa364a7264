namespace ImageRec.Tests.Chart.Support;

/// <summary>A fact that needs crds/recognitionpools.imagerec.io.yaml, which the operator's `make crds` generates.</summary>
public sealed class FactWhenGeneratedCrdExistsAttribute : FactAttribute
{
    public FactWhenGeneratedCrdExistsAttribute()
    {
        if (!File.Exists(RecognitionPoolCrd.RepositoryPath))
            Skip = $"crds/{RecognitionPoolCrd.FileName} is not generated yet (operator issue, `make crds`); the chart carries a placeholder until then";
    }
}

/// <summary>A theory that needs a CRD with a real spec schema, not the placeholder.</summary>
public sealed class TheoryWhenCrdHasSpecSchemaAttribute : TheoryAttribute
{
    public TheoryWhenCrdHasSpecSchemaAttribute()
    {
        if (RecognitionPoolCrd.IsPlaceholder)
            Skip = "the chart's CRD is still the placeholder (spec is free-form); field rules arrive with the generated CRD of the operator issue";
    }
}
