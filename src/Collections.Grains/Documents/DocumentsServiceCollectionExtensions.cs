using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Collections.Grains.Documents;

public static class DocumentsServiceCollectionExtensions
{
    /// <summary>
    /// Documents in every process that serves the API: options (<c>Collections:Documents</c>, validated at
    /// start-up) and the store — the file system unless the host registered another first.
    /// </summary>
    public static IServiceCollection AddCollectionsDocuments(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<DocumentOptions>().BindConfiguration(DocumentOptions.Section).ValidateDataAnnotations();
        services.TryAddSingleton<IDocumentStore, FileSystemDocumentStore>();
        return services;
    }
}
