Feature: 4.5 Namespace Declarations

  @req:core-4.5-1 @MUST @c2s @header-only
  Scenario: the response stream declares the streams namespace and jabber:client
    "The stream element MUST possess both a streams namespace declaration and a default
    namespace declaration (as 'namespace declaration' is defined in the XML namespaces
    specification [XML-NAMES])."
    Given a client connected to the target
    When the client opens a stream
    Then the server answers with a response stream header
    And the response stream header declares the streams namespace and the default namespace "jabber:client"
