using Microsoft.Extensions.Options;
using OpsFunctions.Host.Hosting;
using OpsFunctions.Operations.Approvals;
using OpsFunctions.Operations.Http;

namespace OpsFunctions.Host.Security;

/// <summary>Which key a route needs. The admin key opens function routes too, as Functions' master key does.</summary>
public enum KeyScope
{
    Function,
    Admin,
}

/// <summary>
/// Requires a key in the <c>x-functions-key</c> header or the <c>code</c> query parameter, compared in constant time.
/// </summary>
public static partial class KeyAuthorization
{
    public const string KeyHeader = "x-functions-key";
    public const string KeyQuery = "code";

    public static TBuilder RequireKey<TBuilder>(this TBuilder builder, KeyScope scope)
        where TBuilder : IEndpointConventionBuilder
        => builder.AddEndpointFilter(async (context, next) => Check(context.HttpContext, scope) ?? await next(context));

    /// <summary>Returns the problem to answer, or <see langword="null"/> when the request carries a valid key.</summary>
    public static IResult? Check(HttpContext context, KeyScope scope)
    {
        var keys = context.RequestServices.GetRequiredService<HostKeys>();
        var presented = PresentedKey(context.Request);
        var what = scope == KeyScope.Admin ? "the admin key" : "a function key";
        if (presented is null)
        {
            return Problems.Unauthorized($"This route needs {what}: send it in the '{KeyHeader}' header or the '{KeyQuery}' query parameter.");
        }

        var valid = HostKeys.Matches(presented, keys.AdminKey)
            | (scope == KeyScope.Function && HostKeys.Matches(presented, keys.FunctionKey));
        return valid ? null : Problems.Unauthorized($"The key sent is not {what} of this host.");
    }

    public static string? PresentedKey(HttpRequest request)
    {
        var header = request.Headers[KeyHeader].ToString();
        if (header.Length > 0)
        {
            return header;
        }

        var query = request.Query[KeyQuery].ToString();
        return query.Length > 0 ? query : null;
    }

    public static IServiceCollection AddHostKeys(this IServiceCollection services)
    {
        services.AddSingleton(sp =>
        {
            var configuration = sp.GetRequiredService<IConfiguration>();
            return HostKeys.Load(configuration, KeyStorage.For(configuration, sp.GetRequiredService<HostPaths>()));
        });
        services.AddHostedService<KeyAnnouncer>();
        services.AddSingleton<IKeyCheck, HostKeyCheck>();
        services.AddSingleton(sp => new ApprovalSigningKey(sp.GetRequiredService<HostKeys>().SigningKey));
        services.AddSingleton<IHostAddress, ServerAddress>();
        return services;
    }

    /// <summary>Loads the keys at start (so a bad keys file stops start-up) and says where they are, never what they are.</summary>
    private sealed partial class KeyAnnouncer(HostKeys keys, ILogger<KeyAnnouncer> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (keys.StoredIn is { } location)
            {
                LogKeysStored(location);
            }

            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(EventId = 5000, Level = LogLevel.Information, Message = "Host keys not configured are kept in {Location}; read the function and admin keys there (or set Keys__Function and Keys__Admin).")]
        private partial void LogKeysStored(string location);
    }
}
