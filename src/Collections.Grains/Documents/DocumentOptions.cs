using System.ComponentModel.DataAnnotations;

namespace Collections.Grains.Documents;

/// <summary><c>Collections:Documents</c>: where document content is kept (file system) and the largest upload.</summary>
public sealed class DocumentOptions
{
    public const string Section = "Collections:Documents";

    /// <summary>50 MiB.</summary>
    public const long DefaultMaxBytes = 50L * 1024 * 1024;

    /// <summary>The directory of the file-system store (relative to the working directory); hosts of one cluster share it.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Collections:Documents:Path must name a directory.")]
    public string Path { get; set; } = "./data/documents";

    /// <summary>The largest document accepted, in bytes; a larger upload is refused with 413 and nothing is kept.</summary>
    [Range(1L, 100L * 1024 * 1024 * 1024, ErrorMessage = "Collections:Documents:MaxBytes must be between 1 and 107374182400 (100 GiB).")]
    public long MaxBytes { get; set; } = DefaultMaxBytes;
}
