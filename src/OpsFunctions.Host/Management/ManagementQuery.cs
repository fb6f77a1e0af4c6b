using OpsFunctions.Durable;

namespace OpsFunctions.Host.Management;

/// <summary>The management API's query parameters, parsed as Durable Functions reads them; errors name the parameter.</summary>
public static class ManagementQuery
{
    public static List<OrchestrationRuntimeStatus>? Statuses(string? value, Dictionary<string, string> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var statuses = new List<OrchestrationRuntimeStatus>();
        foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Enum.TryParse<OrchestrationRuntimeStatus>(part, ignoreCase: true, out var status) || int.TryParse(part, out _))
            {
                errors["runtimeStatus"] = $"The field 'runtimeStatus' holds '{part}', which is not one of {string.Join(", ", Enum.GetNames<OrchestrationRuntimeStatus>())}.";
                return null;
            }

            statuses.Add(status);
        }

        return statuses;
    }
}
