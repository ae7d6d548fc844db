using System.ComponentModel.DataAnnotations;

namespace Collections.Host.Configuration;

/// <summary>
/// <c>Collections:Tracing</c>: distributed traces (HTTP → grain calls → storage and Redis → webhooks),
/// exported by OTLP. Off unless <see cref="OtlpEndpoint"/> is set.
/// </summary>
public sealed class TracingOptions : IValidatableObject
{
    public const string Section = "Collections:Tracing";

    /// <summary>
    /// The OTLP collector, e.g. <c>http://otel-collector:4317</c> (gRPC). With
    /// <c>OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf</c>, give the full traces URL (<c>…:4318/v1/traces</c>).
    /// </summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>
    /// The share of new traces kept (0 to 1); a span whose caller was sampled is always kept, so a trace
    /// is whole or absent. One import is one trace with a grain call per line, and every due wake starts
    /// a trace of its own: a tenth is plenty for a busy cluster.
    /// </summary>
    [Range(0.0, 1.0, ErrorMessage = "Collections:Tracing:SampleRatio must be between 0 and 1.")]
    public double SampleRatio { get; set; } = 0.1;

    public bool Enabled => OtlpEndpoint is not null;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (OtlpEndpoint is { } endpoint && !(endpoint.IsAbsoluteUri && (endpoint.Scheme == Uri.UriSchemeHttp || endpoint.Scheme == Uri.UriSchemeHttps)))
        {
            yield return new ValidationResult(
                $"{Section}:OtlpEndpoint must be an absolute http or https URL such as http://otel-collector:4317 (it is '{endpoint}').", [nameof(OtlpEndpoint)]);
        }
    }
}
