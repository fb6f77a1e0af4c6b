using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpsFunctions.FunctionApp.Hosting;
using OpsFunctions.Operations.Approvals;
using OpsFunctions.Operations.Http;

namespace OpsFunctions.FunctionApp.Approvals;

/// <summary>
/// Approval links need a signing key every instance of the app shares, so the app reads it from settings (Key Vault in
/// Azure) instead of generating one. Without it the app runs, notifications carry no action links, and the approval
/// routes answer 503 naming the setting.
/// </summary>
public static class FunctionAppApprovals
{
    public const string SigningKeySetting = "Approvals:SigningKey";

    public static IServiceCollection AddFunctionAppApprovals(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IHostAddress>(new FunctionAppAddress(configuration));
        if (configuration[SigningKeySetting] is { Length: > 0 } key)
        {
            services.AddSingleton(new ApprovalSigningKey(key));
            services.AddApprovals(configuration);
        }

        return services;
    }
}
