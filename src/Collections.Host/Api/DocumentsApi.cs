using System.Text;
using Collections.Contracts;
using Collections.Domain.Accounts;
using Collections.Grains.Documents;
using Collections.Host.Auth;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Collections.Host.Api;

/// <summary>One document on an account; <c>sha256</c> (lower-case hex) proves its bytes.</summary>
public sealed record DocumentResponse(
    string DocumentId, DocumentKind Kind, string? Note, string? FileName, string? ContentType, long Size, string Sha256, DateTimeOffset AddedAt, string AddedBy)
{
    public static DocumentResponse From(DocumentView d) => new(d.DocumentId, d.Kind, d.Note, d.FileName, d.ContentType, d.Size, d.Sha256, d.AddedAt, d.AddedBy);
}

public sealed record DocumentListResponse(IReadOnlyList<DocumentResponse> Items);

/// <summary>The multipart form of an upload, for OpenAPI (the body is read as a stream, never bound).</summary>
public sealed record DocumentForm(IFormFile File, string Kind, string? Note);

/// <summary>
/// Documents on an account: upload (multipart, streamed to the document store while it is hashed, never
/// held whole), list and download. The lender's side under <c>…/accounts/{accountRef}/documents</c>; an
/// agency's under its placement, where it adds call recordings and letters and sees the lender's documents
/// and its own. Documents are never changed: a new version is a new document.
/// </summary>
public static class DocumentsApi
{
    /// <summary>Room for the parts' headers and the form fields beside the file.</summary>
    private const long FormOverhead = 64 * 1024;

    private const int MaxFieldLength = 4 * 1024;

    private static readonly string Kinds = Parse.Names<DocumentKind>();

    public static RouteGroupBuilder MapDocumentsApi(this RouteGroupBuilder account)
    {
        var documents = account.MapGroup("/documents").WithTags("Documents");
        documents.MapPost("", UploadAsync)
            .WithName("AddDocument")
            .RequireAuthorization(Policies.LenderOrAdmin)
            .Accepts<DocumentForm>("multipart/form-data")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType)
            .WithSummary("Add a document (multipart: file, kind, note), streamed to storage and proven by its SHA-256")
            .WithDescription($"kind is one of {Kinds}. The file is stored as it arrives (never held in memory) and hashed on the way; the same bytes of the same kind again answer the document already added. " +
                "413 (with maxBytes) past Collections:Documents:MaxBytes; nothing is kept then. Audited as DocumentAdded. Send the file part last (curl -F puts parts in the order given).");
        documents.MapGet("", ListAsync)
            .WithName("ListDocuments")
            .RequireAuthorization(Policies.AccountReader)
            .ProducesProblems(StatusCodes.Status404NotFound)
            .WithSummary("The account's documents, in the order they were added");
        documents.MapGet("/{documentId}", DownloadAsync)
            .WithName("GetDocument")
            .RequireAuthorization(Policies.AccountReader)
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .ProducesProblems(StatusCodes.Status404NotFound)
            .WithSummary("A document's bytes, exactly as added: ETag and Repr-Digest carry its SHA-256");
        return account;
    }

    public static RouteGroupBuilder MapAgencyDocumentsApi(this RouteGroupBuilder placed)
    {
        var documents = placed.MapGroup("/documents");
        documents.MapPost("", AgencyUploadAsync)
            .WithName("AddAgencyDocument")
            .Accepts<DocumentForm>("multipart/form-data")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType)
            .WithSummary("Add a call recording or a letter to a placed account (multipart: file, kind, note)")
            .WithDescription("kind is CallRecording or Letter; the same rules as the lender's uploads. Audited as DocumentAdded with actor agency:{agencyId}.");
        documents.MapGet("", AgencyListAsync)
            .WithName("ListAgencyDocuments")
            .ProducesProblems(StatusCodes.Status404NotFound)
            .WithSummary("The placed account's documents the agency may see: the lender's and its own");
        documents.MapGet("/{documentId}", AgencyDownloadAsync)
            .WithName("GetAgencyDocument")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .ProducesProblems(StatusCodes.Status404NotFound)
            .WithSummary("A document's bytes, exactly as added: ETag and Repr-Digest carry its SHA-256");
        return placed;
    }

    private static IAccountRecordsGrain Records(IGrainFactory grains, string lenderId, string accountRef) =>
        grains.GetGrain<IAccountRecordsGrain>(AccountKey.For(lenderId, accountRef));

    private static Task<Results<Created<DocumentResponse>, ProblemHttpResult>> UploadAsync(
        [AsParameters] AccountTarget target, HttpContext context, IDocumentStore store, IOptions<DocumentOptions> options) =>
        AddAsync(context, Records(target.Grains, target.LenderId, target.AccountRef), null, target.Actor, $"{target.Location}/documents", target.Unknown(), store, options.Value);

    private static Task<Results<Created<DocumentResponse>, ProblemHttpResult>> AgencyUploadAsync(
        [AsParameters] PlacementTarget target, HttpContext context, IDocumentStore store, IOptions<DocumentOptions> options) =>
        AddAsync(context, Records(target.Grains, target.LenderId, target.AccountRef), target.AgencyId, target.AgencyActor, $"{target.Location}/documents", target.NotPlaced(), store, options.Value);

    private static async Task<Results<Ok<DocumentListResponse>, ProblemHttpResult>> ListAsync([AsParameters] AccountTarget target) =>
        await Records(target.Grains, target.LenderId, target.AccountRef).GetDocumentsAsync(null) is { } documents
            ? TypedResults.Ok(new DocumentListResponse([.. documents.Select(DocumentResponse.From)]))
            : target.Unknown();

    private static async Task<Results<Ok<DocumentListResponse>, ProblemHttpResult>> AgencyListAsync([AsParameters] PlacementTarget target) =>
        await Records(target.Grains, target.LenderId, target.AccountRef).GetDocumentsAsync(target.AgencyId) is { } documents
            ? TypedResults.Ok(new DocumentListResponse([.. documents.Select(DocumentResponse.From)]))
            : target.NotPlaced();

    private static Task<Results<FileStreamHttpResult, ProblemHttpResult>> DownloadAsync(
        [AsParameters] AccountTarget target, string documentId, HttpContext context, IDocumentStore store) =>
        SendAsync(context, Records(target.Grains, target.LenderId, target.AccountRef), null, documentId, target.Unknown(), store);

    private static Task<Results<FileStreamHttpResult, ProblemHttpResult>> AgencyDownloadAsync(
        [AsParameters] PlacementTarget target, string documentId, HttpContext context, IDocumentStore store) =>
        SendAsync(context, Records(target.Grains, target.LenderId, target.AccountRef), target.AgencyId, documentId, target.NotPlaced(), store);

    /// <summary>
    /// Reads the form as it arrives: the fields into memory (small, bounded), the file straight into the
    /// store. The account (and for an agency its placement) is checked before a byte of the file is read.
    /// </summary>
    private static async Task<Results<Created<DocumentResponse>, ProblemHttpResult>> AddAsync(
        HttpContext context, IAccountRecordsGrain account, string? agencyId, string actor, string location, ProblemHttpResult unknown,
        IDocumentStore store, DocumentOptions options)
    {
        var request = context.Request;
        var aborted = context.RequestAborted;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.Problem(RequestBodies.UnsupportedContentType(context), statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type");
        }

        if (HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value is not { Length: > 0 and <= 256 } boundary)
        {
            return Problems.BadRequest("The body must be multipart/form-data with a boundary and the parts file, kind and note (curl -F kind=Contract -F file=@contract.pdf).");
        }

        if (request.ContentLength > options.MaxBytes + FormOverhead)
        {
            return TooLarge(options.MaxBytes);
        }

        if (await account.GetDocumentsAsync(agencyId) is null)
        {
            return unknown;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = options.MaxBytes + FormOverhead;
        }

        var allowed = agencyId is null ? Enum.GetValues<DocumentKind>() : [.. DocumentRules.AgencyKinds];
        var errors = new Dictionary<string, string[]>();
        DocumentKind? kind = null;
        string? note = null;
        (StoredContent Content, string? FileName, string? ContentType)? file = null;
        try
        {
            var reader = new MultipartReader(boundary, request.Body);
            while (await reader.ReadNextSectionAsync(aborted) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                {
                    return Problems.BadRequest("Every part needs Content-Disposition: form-data with a name (file, kind or note).");
                }

                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
                switch (name)
                {
                    case "file" when file is not null:
                        errors["file"] = ["send one file per upload"];
                        break;
                    case "file" when errors.Count > 0:
                        // Refused before the file is stored.
                        return Problems.Validation(errors);
                    case "file":
                        var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                        file = (await store.PutAsync(section.Body, options.MaxBytes, aborted), Path.GetFileName(fileName), section.ContentType);
                        break;
                    case "kind":
                        var text = await FieldAsync(section, aborted);
                        if (Parse.Name<DocumentKind>(text, out var parsed) && allowed.Contains(parsed))
                        {
                            kind = parsed;
                        }
                        else
                        {
                            errors["kind"] = [$"must be one of {string.Join(", ", allowed)}"];
                        }

                        break;
                    case "note":
                        note = await FieldAsync(section, aborted);
                        break;
                    default:
                        return Problems.BadRequest($"The form has a part this operation does not know: '{name}'. Its parts are file, kind and note.");
                }
            }
        }
        catch (DocumentTooLargeException tooLarge)
        {
            return TooLarge(tooLarge.MaxBytes);
        }
        catch (BadHttpRequestException bad) when (bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(options.MaxBytes);
        }
        catch (InvalidDataException invalid)
        {
            return Problems.BadRequest($"The multipart body could not be read: {invalid.Message}");
        }
        catch (FieldTooLongException)
        {
            return Problems.BadRequest($"kind and note are at most {MaxFieldLength} bytes each.");
        }

        if (kind is null && !errors.ContainsKey("kind"))
        {
            errors["kind"] = [$"is required: one of {string.Join(", ", allowed)}"];
        }

        if (file is null && !errors.ContainsKey("file"))
        {
            errors["file"] = ["is required: the document's bytes as a file part"];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var (content, storedName, contentType) = file!.Value;
        var upload = new DocumentUpload(kind!.Value, note, storedName, contentType, content.StorageId, content.Size, content.Sha256);
        var result = await account.AddDocumentAsync(upload, actor);
        return result switch
        {
            { RejectionKind: RejectionKind.NotFound } or { RejectionKind: null, Document: null } => unknown,
            { RejectionKind: { } rejected } => Problems.Rejected(rejected, result.Error ?? rejected.ToString()),
            _ => TypedResults.Created($"{location}/{result.Document!.DocumentId}", DocumentResponse.From(result.Document)),
        };
    }

    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> SendAsync(
        HttpContext context, IAccountRecordsGrain account, string? agencyId, string documentId, ProblemHttpResult unknown, IDocumentStore store)
    {
        if (await account.GetDocumentsAsync(agencyId) is not { } documents)
        {
            return unknown;
        }

        if (documents.FirstOrDefault(d => d.DocumentId == documentId) is not { } document)
        {
            return Problems.NotFound($"The account has no document '{documentId}'{(agencyId is null ? "" : " this agency may see")}.");
        }

        if (await store.OpenAsync(document.StorageId, context.RequestAborted) is not { } stream)
        {
            return TypedResults.Problem($"Document '{documentId}' is recorded but its content ({document.Sha256}) is missing from the document store; restore it from a backup.",
                statusCode: StatusCodes.Status500InternalServerError, title: "Document content missing");
        }

        context.Response.Headers["Repr-Digest"] = $"sha-256=:{Convert.ToBase64String(Convert.FromHexString(document.Sha256))}:";
        return TypedResults.Stream(stream, document.ContentType ?? "application/octet-stream", document.FileName, entityTag: new EntityTagHeaderValue($"\"{document.Sha256}\""));
    }

    private static ProblemHttpResult TooLarge(long maxBytes) =>
        TypedResults.Problem(
            $"The document is larger than the limit of {maxBytes} bytes (Collections:Documents:MaxBytes); nothing was stored.",
            statusCode: StatusCodes.Status413PayloadTooLarge,
            title: "Content too large",
            extensions: new Dictionary<string, object?> { ["maxBytes"] = maxBytes });

    /// <summary>A form field's text, at most <see cref="MaxFieldLength"/> bytes.</summary>
    private static async Task<string> FieldAsync(MultipartSection section, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxFieldLength + 1];
        var length = 0;
        int read;
        while ((read = await section.Body.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
            if (length > MaxFieldLength)
            {
                throw new FieldTooLongException();
            }
        }

        return Encoding.UTF8.GetString(buffer, 0, length);
    }

    private sealed class FieldTooLongException : Exception;
}
