using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using static Collections.Host.Tests.Http;

namespace Collections.Host.Tests;

/// <summary>A host whose uploads may be at most 1 MiB, for the size limit.</summary>
public sealed class SmallDocumentsHost : IAsyncLifetime
{
    public const long MaxBytes = 1024 * 1024;

    public HostFixture Host { get; } = HostFixture.With("Development", new Dictionary<string, string?>
    {
        ["Collections:Documents:MaxBytes"] = MaxBytes.ToString(CultureInfo.InvariantCulture),
    });

    public Task InitializeAsync() => Host.InitializeAsync();

    public Task DisposeAsync() => Host.DisposeAsync();
}

public sealed class DocumentLimitTests(SmallDocumentsHost small) : IClassFixture<SmallDocumentsHost>
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_upload_over_the_limit_is_refused_with_413_naming_the_limit_and_nothing_is_kept(bool lengthKnown)
    {
        var host = small.Host;
        var lender = NewId("L");
        var accountRef = NewId("A");
        Assert.Equal(HttpStatusCode.Created, (await host.Admin.PutAsync($"/api/v1/lenders/{lender}/accounts/{accountRef}", Json(DocumentsApiTests.Account(DocumentsApiTests.NoticeDpd)))).StatusCode);

        using var form = DocumentsApiTests.Form("Contract", new GeneratedStream(SmallDocumentsHost.MaxBytes + 1, lengthKnown), "big.pdf");
        var response = await host.Admin.PostAsync($"/api/v1/lenders/{lender}/accounts/{accountRef}/documents", form);

        var problem = await response.ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(SmallDocumentsHost.MaxBytes, problem.GetProperty("maxBytes").GetInt64());
        Assert.Contains("Collections:Documents:MaxBytes", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(Directory.Exists(host.DocumentsPath) ? Directory.GetFiles(host.DocumentsPath, "*", SearchOption.AllDirectories) : []);
        var list = await (await host.Admin.GetAsync($"/api/v1/lenders/{lender}/accounts/{accountRef}/documents")).JsonAsync();
        Assert.Empty(list.GetProperty("items").EnumerateArray());
    }
}

[Collection(HostCollection.Name)]
public sealed class DocumentsApiTests(HostFixture host)
{
    /// <summary>Days past due of an account in Notice: it is sent an SMS, no letter (whose document the engine would add).</summary>
    public const int NoticeDpd = 2;

    public static string Account(int daysPastDue = 10)
    {
        // The debtor lives where it is midday now, inside every contact window.
        var offset = 12 - DateTime.UtcNow.Hour;
        var zone = offset >= 0 ? $"Etc/GMT-{offset}" : $"Etc/GMT+{-offset}";
        return $$"""{"currency":"CNY","principal":1000,"dueDate":"{{Records.DueDaysAgo(daysPastDue)}}","borrowerName":"Test Borrower","phone":"+8613800138000","timezone":"{{zone}}"}""";
    }

    /// <summary>A multipart upload: kind and note first, the file last (as curl sends them in the order given).</summary>
    public static MultipartFormDataContent Form(string kind, Stream file, string fileName, string? note = null)
    {
        var form = new MultipartFormDataContent { { new StringContent(kind), "kind" } };
        if (note is not null)
        {
            form.Add(new StringContent(note), "note");
        }

        var content = new StreamContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        form.Add(content, "file", fileName);
        return form;
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    [Fact]
    public async Task An_uploaded_document_downloads_as_the_same_bytes_with_the_same_sha256_and_is_in_the_audit_trail()
    {
        var (lender, accountRef) = await AccountAsync();
        var bytes = RandomNumberGenerator.GetBytes(300_000);
        var path = $"/api/v1/lenders/{lender}/accounts/{accountRef}/documents";

        var created = await host.Admin.PostAsync(path, Form("Contract", new MemoryStream(bytes), "loan contract.pdf", note: "signed 2025-03-01"));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var document = await created.JsonAsync();
        var id = document.GetProperty("documentId").GetString()!;
        Assert.Equal(("Contract", 300_000L, Sha256(bytes)), (document.GetProperty("kind").GetString(), document.GetProperty("size").GetInt64(), document.GetProperty("sha256").GetString()));
        Assert.Equal($"{path}/{id}", created.Headers.Location?.OriginalString);

        var download = await host.Admin.GetAsync($"{path}/{id}");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        var downloaded = await download.Content.ReadAsByteArrayAsync();
        Assert.Equal(bytes, downloaded);
        Assert.Equal($"\"{Sha256(bytes)}\"", download.Headers.ETag?.Tag);
        Assert.Equal($"sha-256=:{Convert.ToBase64String(SHA256.HashData(bytes))}:", download.Headers.GetValues("Repr-Digest").Single());

        // The same upload again (a retry) is the same document; a new version is a new one.
        var retried = await (await host.Admin.PostAsync(path, Form("Contract", new MemoryStream(bytes), "loan contract.pdf"))).JsonAsync();
        Assert.Equal(id, retried.GetProperty("documentId").GetString());
        var amended = await (await host.Admin.PostAsync(path, Form("Contract", new MemoryStream([.. bytes, 1]), "loan contract v2.pdf"))).JsonAsync();
        Assert.NotEqual(id, amended.GetProperty("documentId").GetString());

        var list = await (await host.Admin.GetAsync(path)).JsonAsync();
        Assert.Equal(2, list.GetProperty("items").GetArrayLength());
        var events = await (await host.Admin.GetAsync($"/api/v1/lenders/{lender}/accounts/{accountRef}/events?limit=1000")).JsonAsync();
        var added = events.GetProperty("items").EnumerateArray().Where(e => e.GetProperty("type").GetString() == "DocumentAdded").ToList();
        Assert.Equal(2, added.Count);
        Assert.Equal(Sha256(bytes), added[0].GetProperty("data").GetProperty("sha256").GetString());
        Assert.StartsWith("admin", added[0].GetProperty("actor").GetString(), StringComparison.Ordinal);

        await (await host.Admin.GetAsync($"{path}/D99")).ProblemAsync(HttpStatusCode.NotFound);
        var noKind = await host.Admin.PostAsync(path, new MultipartFormDataContent { { new ByteArrayContent(bytes), "file", "x.pdf" } });
        Assert.True((await noKind.ProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("kind", out _));
    }

    [Fact]
    public async Task An_agency_adds_recordings_and_letters_on_its_placement_and_sees_the_lenders_documents_and_nothing_of_other_accounts()
    {
        var lender = NewId("L");
        var agency = NewId("AG");
        var put = await host.Admin.PutAsync($"/api/v1/agencies/{agency}", Json($$"""{"name":"Docs Agency","capacity":100,"lenders":["{{lender}}"],"commissionRate":0.1}"""));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var (_, key) = await host.IssueKeyAsync(new { role = "agency", agencyId = agency });
        var (_, strangerKey) = await host.IssueKeyAsync(new { role = "agency", agencyId = NewId("AG") });
        host.ExpireAgencyCatalog();
        var placed = NewId("A");
        var view = await (await host.Admin.PutAsync($"/api/v1/lenders/{lender}/accounts/{placed}", Json(Account(daysPastDue: 40)))).JsonAsync();
        Assert.Equal(agency, view.GetProperty("placement").GetProperty("agencyId").GetString());
        var (_, notPlaced) = await AccountAsync(lender);

        var contract = await (await host.Admin.PostAsync($"/api/v1/lenders/{lender}/accounts/{placed}/documents", Form("Contract", new MemoryStream([1, 2, 3]), "c.pdf"))).JsonAsync();
        var agencyClient = host.Client(key);
        var path = $"/api/v1/agencies/{agency}/placements/{lender}/{placed}/documents";

        var recording = await agencyClient.PostAsync(path, Form("CallRecording", new MemoryStream([4, 5, 6]), "call.wav"));
        Assert.Equal(HttpStatusCode.Created, recording.StatusCode);
        var refused = await agencyClient.PostAsync(path, Form("Contract", new MemoryStream([7]), "fake.pdf"));
        Assert.True((await refused.ProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("kind", out _));

        var seen = (await (await agencyClient.GetAsync(path)).JsonAsync()).GetProperty("items").EnumerateArray().Select(d => d.GetProperty("kind").GetString()).ToList();
        Assert.Equal(["Contract", "CallRecording"], seen);
        var bytes = await (await agencyClient.GetAsync($"{path}/{contract.GetProperty("documentId").GetString()}")).Content.ReadAsByteArrayAsync();
        Assert.Equal([1, 2, 3], bytes);
        var lenderEvents = await (await host.Admin.GetAsync($"/api/v1/lenders/{lender}/accounts/{placed}/events?limit=1000")).JsonAsync();
        Assert.Contains(lenderEvents.GetProperty("items").EnumerateArray(),
            e => e.GetProperty("type").GetString() == "DocumentAdded" && e.GetProperty("actor").GetString() == $"agency:{agency}");

        // An account not placed with the agency, and another agency's key: 404, nothing stored.
        var elsewhere = $"/api/v1/agencies/{agency}/placements/{lender}/{notPlaced}/documents";
        await (await agencyClient.GetAsync(elsewhere)).ProblemAsync(HttpStatusCode.NotFound);
        await (await agencyClient.GetAsync($"{elsewhere}/D1")).ProblemAsync(HttpStatusCode.NotFound);
        await (await agencyClient.PostAsync(elsewhere, Form("Letter", new MemoryStream([9]), "l.pdf"))).ProblemAsync(HttpStatusCode.NotFound);
        await (await host.Client(strangerKey).GetAsync(path)).ProblemAsync(HttpStatusCode.NotFound);
        await (await agencyClient.GetAsync($"/api/v1/lenders/{lender}/accounts/{placed}/documents")).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_evidence_zip_holds_the_bundle_every_document_and_a_manifest_that_matches_every_file_and_exposes_tampering()
    {
        var (lender, accountRef) = await AccountAsync();
        var account = $"/api/v1/lenders/{lender}/accounts/{accountRef}";
        var contract = RandomNumberGenerator.GetBytes(20_000);
        var letter = Encoding.UTF8.GetBytes("Dear debtor, …");
        Assert.Equal(HttpStatusCode.Created, (await host.Admin.PostAsync($"{account}/documents", Form("Contract", new MemoryStream(contract), "contract.pdf"))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await host.Admin.PostAsync($"{account}/documents", Form("Letter", new MemoryStream(letter), "../../etc/letter.txt"))).StatusCode);

        var response = await host.Admin.GetAsync($"{account}/evidence?format=zip");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        var files = Unzip(await response.Content.ReadAsByteArrayAsync());
        var manifest = files["manifest.sha256"];
        var listed = Encoding.UTF8.GetString(manifest).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split("  ", 2)).ToDictionary(parts => parts[1], parts => parts[0]);
        Assert.Equal(files.Keys.Where(name => name != "manifest.sha256").Order(), listed.Keys.Order());
        Assert.All(listed, entry => Assert.Equal(entry.Value, Sha256(files[entry.Key])));
        Assert.All(files.Keys, name => Assert.DoesNotContain("..", name, StringComparison.Ordinal));

        var bundle = JsonDocument.Parse(files["bundle.json"]).RootElement;
        var documents = bundle.GetProperty("documents").EnumerateArray().ToList();
        Assert.Equal([Sha256(contract), Sha256(letter)], documents.Select(d => d.GetProperty("sha256").GetString()));
        foreach (var document in documents)
        {
            var entry = listed.Single(l => l.Key.StartsWith($"documents/{document.GetProperty("documentId").GetString()}-", StringComparison.Ordinal));
            Assert.Equal(document.GetProperty("sha256").GetString(), entry.Value);
        }

        Assert.Equal(contract, files[listed.Keys.Single(k => k.EndsWith("contract.pdf", StringComparison.Ordinal))]);

        // One byte changed in one file no longer matches the manifest (nor the bundle's listing).
        var tampered = listed.Keys.Single(k => k.EndsWith("contract.pdf", StringComparison.Ordinal));
        files[tampered][0] ^= 0xFF;
        Assert.NotEqual(listed[tampered], Sha256(files[tampered]));
        Assert.All(listed.Where(l => l.Key != tampered), entry => Assert.Equal(entry.Value, Sha256(files[entry.Key])));

        var events = await (await host.Admin.GetAsync($"{account}/events?limit=1000")).JsonAsync();
        var exported = events.GetProperty("items").EnumerateArray().Single(e => e.GetProperty("type").GetString() == "EvidenceExported");
        Assert.Equal(bundle.GetProperty("asOfSeq").GetInt64(), exported.GetProperty("data").GetProperty("asOfSeq").GetInt64());
        Assert.Equal(2, exported.GetProperty("data").GetProperty("documents").GetInt32());

        var json = await (await host.Admin.GetAsync($"{account}/evidence")).JsonAsync();
        Assert.Equal(2, json.GetProperty("documents").GetArrayLength());
        Assert.True(json.GetProperty("counts").TryGetProperty("Document", out _));
        await (await host.Admin.GetAsync($"{account}/evidence?format=pdf")).ProblemAsync(HttpStatusCode.BadRequest);
    }

    /// <summary>An account in Notice: the documents on it are the test's alone.</summary>
    [Fact]
    public async Task The_letter_the_engine_sent_is_a_document_that_downloads_with_its_sha256_and_is_in_the_evidence_zip()
    {
        var lender = NewId("L");
        var accountRef = NewId("A");
        var account = $"/api/v1/lenders/{lender}/accounts/{accountRef}";
        var record = Account().Replace("\"phone\"", "\"address\":\"1 Bund Road, Shanghai\",\"phone\"", StringComparison.Ordinal);

        // In Early the default plan's letter goes out at once, through the simulated gateway.
        Assert.Equal(HttpStatusCode.Created, (await host.Admin.PutAsync(account, Json(record))).StatusCode);

        var letter = Assert.Single((await (await host.Admin.GetAsync($"{account}/documents")).JsonAsync()).GetProperty("items").EnumerateArray());
        Assert.Equal(("Letter", "system"), (letter.GetProperty("kind").GetString(), letter.GetProperty("addedBy").GetString()));
        var sha256 = letter.GetProperty("sha256").GetString()!;
        var download = await host.Admin.GetAsync($"{account}/documents/{letter.GetProperty("documentId").GetString()}");
        var bytes = await download.Content.ReadAsByteArrayAsync();
        Assert.Equal(sha256, Sha256(bytes));
        var text = Encoding.UTF8.GetString(bytes);
        Assert.Contains("Template:  Early.Letter", text, StringComparison.Ordinal);
        Assert.Contains("  Test Borrower\n  1 Bund Road\n  Shanghai\n", text, StringComparison.Ordinal);

        var files = Unzip(await (await host.Admin.GetAsync($"{account}/evidence?format=zip")).Content.ReadAsByteArrayAsync());
        var entry = Assert.Single(files.Keys, k => k.StartsWith("documents/", StringComparison.Ordinal));
        Assert.EndsWith(letter.GetProperty("fileName").GetString()!, entry, StringComparison.Ordinal);
        Assert.Equal(bytes, files[entry]);
        Assert.Contains($"{sha256}  {entry}", Encoding.UTF8.GetString(files["manifest.sha256"]), StringComparison.Ordinal);
        var bundled = Assert.Single(JsonDocument.Parse(files["bundle.json"]).RootElement.GetProperty("documents").EnumerateArray());
        Assert.Equal(sha256, bundled.GetProperty("sha256").GetString());
    }

    private async Task<(string Lender, string AccountRef)> AccountAsync(string? lender = null)
    {
        lender ??= NewId("L");
        var accountRef = NewId("A");
        Assert.Equal(HttpStatusCode.Created, (await host.Admin.PutAsync($"/api/v1/lenders/{lender}/accounts/{accountRef}", Json(Account(NoticeDpd)))).StatusCode);
        return (lender, accountRef);
    }

    private static Dictionary<string, byte[]> Unzip(byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        return archive.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var stream = e.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        });
    }
}

/// <summary>
/// The live managed heap is the whole process's: this test runs alone, on its own host, after the others, so that
/// no test in parallel holds memory while it samples.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneCollection : ICollectionFixture<HostFixture>
{
    public const string Name = "alone";
}

[Collection(AloneCollection.Name)]
public sealed class LargeUploadTests(HostFixture host)
{
    [Fact]
    public async Task A_50_MB_upload_is_streamed_to_storage_without_raising_managed_memory_by_its_size()
    {
        var lender = NewId("L");
        var accountRef = NewId("A");
        Assert.Equal(HttpStatusCode.Created, (await host.Admin.PutAsync($"/api/v1/lenders/{lender}/accounts/{accountRef}", Json(DocumentsApiTests.Account(DocumentsApiTests.NoticeDpd)))).StatusCode);
        const long size = (50L * 1024 * 1024) - (64 * 1024);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var stream = new GeneratedStream(size, lengthKnown: true);

        // A plain client: the test client's redirect handler holds a request body in memory to be able to resend it.
        using var client = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Add("X-Api-Key", HostFixture.AdminKey);
        var created = await client.PostAsync($"/api/v1/lenders/{lender}/accounts/{accountRef}/documents", DocumentsApiTests.Form("CallRecording", stream, "call.wav"));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var document = await created.JsonAsync();
        Assert.Equal(size, document.GetProperty("size").GetInt64());
        Assert.Equal(stream.Sha256(), document.GetProperty("sha256").GetString());
        var peakRise = stream.PeakHeap - before;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        Console.WriteLine($"50 MB upload: live managed heap rose at most {peakRise / 1024 / 1024} MiB while streaming; {allocated / 1024 / 1024} MiB allocated (and collected) in the process meanwhile");
        Assert.True(peakRise < size / 4, $"the live managed heap rose by {peakRise} bytes during a {size}-byte upload");
        Assert.True(GC.GetTotalMemory(forceFullCollection: true) - before < size / 4, "the upload left its bytes on the managed heap");
    }
}

/// <summary>
/// Pseudo-random bytes made as they are read, never held: a large upload without a large buffer in the
/// test. Hashes what it gave, and samples the live managed heap every few megabytes as it goes (<see cref="PeakHeap"/>).
/// </summary>
public sealed class GeneratedStream(long length, bool lengthKnown) : Stream
{
    private const long SampleEvery = 4 * 1024 * 1024;

    private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long position;
    private long nextSample;

    public long PeakHeap { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => lengthKnown;

    public override bool CanWrite => false;

    public override long Length => lengthKnown ? length : throw new NotSupportedException();

    public override long Position { get => position; set => Seek(value, SeekOrigin.Begin); }

    public string Sha256() => Convert.ToHexStringLower(hash.GetCurrentHash());

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, length - position);
        for (var i = 0; i < n; i++)
        {
            buffer[i] = unchecked((byte)((position + i) * 2654435761 >> 13));
        }

        hash.AppendData(buffer[..n]);
        position += n;
        if (position >= nextSample)
        {
            // What is live, not what awaits collection: a server holding the upload would show here.
            PeakHeap = Math.Max(PeakHeap, GC.GetTotalMemory(forceFullCollection: true));
            nextSample = position + SampleEvery;
        }

        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer, offset, count));

    public override void Flush()
    {
    }

    /// <summary>Where it is, or back to the start (a client that sends the request again): the hash starts over.</summary>
    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin == SeekOrigin.Begin ? offset : origin == SeekOrigin.Current ? position + offset : length + offset;
        if (target == 0 && position != 0)
        {
            hash.GetHashAndReset();
            position = 0;
            nextSample = 0;
        }

        return target == position ? position : throw new NotSupportedException("The generated bytes are read in order, from the start.");
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            hash.Dispose();
        }

        base.Dispose(disposing);
    }
}
