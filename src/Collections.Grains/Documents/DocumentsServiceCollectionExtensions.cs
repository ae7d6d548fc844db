using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Collections.Grains.Documents;

public static class DocumentsServiceCollectionExtensions
{
    /// <summary>
    /// Documents in every process that serves the API or runs accounts (which keep the letters they send):
    /// options (<c>Collections:Documents</c>, validated at start-up) and the store — the file system unless
    /// the host registered another first.
    /// </summary>
    public static IServiceCollection AddCollectionsDocuments(this IServiceCollection services)
    {
        // A host that serves the API and runs a silo calls this twice (itself, and through AddCollectionsGrains): once is enough.
        if (services.Any(d => d.ServiceType == typeof(IDocumentStore)))
        {
            return services;
        }

        services.AddOptionsWithValidateOnStart<DocumentOptions>().BindConfiguration(DocumentOptions.Section).ValidateDataAnnotations();
        services.TryAddSingleton<IDocumentStore, FileSystemDocumentStore>();
        return services;
    }
}
