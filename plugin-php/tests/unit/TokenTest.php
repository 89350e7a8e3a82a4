<?php
// phpcs:ignoreFile -- tests.
use PHPUnit\Framework\TestCase;
use Vafa\Token;

final class TokenTest extends TestCase {
	private function decode( string $part ): array {
		return json_decode( base64_decode( strtr( $part, '-_', '+/' ) ), true );
	}

	public function test_token_is_an_eddsa_jwt_the_public_key_verifies(): void {
		$pair  = sodium_crypto_sign_keypair();
		$token = Token::mint( sodium_crypto_sign_secretkey( $pair ), 'k1', '12', '7', 'shopper', 1_800_000_000 );
		$parts = explode( '.', $token );
		$this->assertCount( 3, $parts );
		$this->assertSame( array( 'alg' => 'EdDSA', 'typ' => 'JWT', 'kid' => 'k1' ), $this->decode( $parts[0] ) );
		$claims = $this->decode( $parts[1] );
		$this->assertSame( '12', $claims['iss'] );
		$this->assertSame( 'vafa', $claims['aud'] );
		$this->assertSame( '7', $claims['sub'] );
		$this->assertSame( 'shopper', $claims['scope'] );
		$this->assertSame( 300, $claims['exp'] - $claims['iat'] );
		$this->assertSame( $claims['iat'], $claims['nbf'] );
		$sig = base64_decode( strtr( $parts[2], '-_', '+/' ) . str_repeat( '=', ( 4 - strlen( $parts[2] ) % 4 ) % 4 ) );
		$this->assertTrue( sodium_crypto_sign_verify_detached( $sig, $parts[0] . '.' . $parts[1], sodium_crypto_sign_publickey( $pair ) ) );
		$this->assertStringNotContainsString( '=', $token, 'base64url without padding' );
	}

	public function test_another_key_does_not_verify(): void {
		$pair  = sodium_crypto_sign_keypair();
		$other = sodium_crypto_sign_keypair();
		$parts = explode( '.', Token::mint( sodium_crypto_sign_secretkey( $pair ), 'k1', '12', '7', 'admin', time() ) );
		$sig   = base64_decode( strtr( $parts[2], '-_', '+/' ) . str_repeat( '=', ( 4 - strlen( $parts[2] ) % 4 ) % 4 ) );
		$this->assertFalse( sodium_crypto_sign_verify_detached( $sig, $parts[0] . '.' . $parts[1], sodium_crypto_sign_publickey( $other ) ) );
	}
}
