namespace OpsFunctions.Operations.Http;

/// <summary>Where callers reach this host, for links made outside any request (notifications sent by activities).</summary>
public interface IHostAddress
{
    /// <summary>Gets the root the routes hang under, ending in '/': <c>http://localhost:7071/</c>.</summary>
    Uri BaseAddress { get; }
}
