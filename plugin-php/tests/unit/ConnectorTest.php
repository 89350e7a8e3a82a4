<?php
// phpcs:ignoreFile -- tests.
use PHPUnit\Framework\TestCase;
use Vafa\ApiException;
use Vafa\Connector;

final class ConnectorTest extends TestCase {
	private function token( array $data ): string {
		return 'vafa1.' . rtrim( strtr( base64_encode( json_encode( $data ) ), '+/', '-_' ), '=' );
	}

	public function test_parses_a_service_token(): void {
		$got = Connector::parse_token( '  ' . $this->token( array( 'u' => 'http://127.0.0.1:8080', 's' => '12', 'e' => 'secret' ) ) . "\n" );
		$this->assertSame( array( 'u' => 'http://127.0.0.1:8080', 's' => '12', 'e' => 'secret' ), $got );
	}

	public static function bad_tokens(): array {
		return array(
			'empty'        => array( '' ),
			'wrong prefix' => array( 'vafa2.abc' ),
			'not base64'   => array( 'vafa1.!!!' ),
			'no secret'    => array( 'vafa1.' . rtrim( strtr( base64_encode( '{"u":"http://x","s":"1"}' ), '+/', '-_' ), '=' ) ),
			'bad url'      => array( 'vafa1.' . rtrim( strtr( base64_encode( '{"u":"javascript:alert(1)","s":"1","e":"x"}' ), '+/', '-_' ), '=' ) ),
		);
	}

	/** @dataProvider bad_tokens */
	public function test_refuses_bad_tokens( string $token ): void {
		$this->expectException( ApiException::class );
		Connector::parse_token( $token );
	}
}
