<?php
// phpcs:ignoreFile -- tests.
use PHPUnit\Framework\TestCase;
use Vafa\ApiException;
use Vafa\Connector;
use Vafa\Rewards\Codes;

/**
 * Connect refuses plain http unless the site allows a development service,
 * and compares origins exactly; reward codes become the right coupons.
 */
final class ConnectSafetyTest extends TestCase {
	public function test_plain_http_needs_the_development_allowance(): void {
		Connector::check_service_url( 'https://vafa.example' );
		$this->expectException( ApiException::class );
		Connector::check_service_url( 'http://10.0.0.5:3306' );
	}

	public static function origins(): array {
		return array(
			'same'              => array( 'https://vafa.example/webhooks/woocommerce/1', 'https://vafa.example', true ),
			'default port'      => array( 'https://vafa.example:443/x', 'https://VAFA.example', true ),
			'other port'        => array( 'https://vafa.example:8443/x', 'https://vafa.example', false ),
			'other host'        => array( 'https://evil.example/x', 'https://vafa.example', false ),
			'http vs https'     => array( 'http://vafa.example/x', 'https://vafa.example', false ),
		);
	}

	/** @dataProvider origins */
	public function test_origin( string $a, string $b, bool $same ): void {
		$this->assertSame( $same, Connector::origin( $a ) === Connector::origin( $b ) );
	}

	public static function coupons(): array {
		$base = array( 'code' => 'VAFA-ABCDEFGH23', 'points' => 100, 'value_minor' => 500, 'percent' => 0, 'product_id' => 0, 'expires' => 2000000000, 'user_id' => 7, 'email' => 'sara@example.com', 'exponent' => 2, 'order_id' => 0 );
		return array(
			'money off'     => array( array( 'kind' => 'fixed_discount' ) + $base, 'fixed_cart', '5.00', false ),
			'pay with points' => array( array( 'kind' => 'points_discount', 'value_minor' => 1234 ) + $base, 'fixed_cart', '12.34', false ),
			'IRR, no decimals' => array( array( 'kind' => 'fixed_discount', 'value_minor' => 150000, 'exponent' => 0 ) + $base, 'fixed_cart', '150000', false ),
			'percent'       => array( array( 'kind' => 'percent_discount', 'percent' => 10 ) + $base, 'percent', '10', false ),
			'free shipping' => array( array( 'kind' => 'free_shipping' ) + $base, 'fixed_cart', '0', true ),
			'free product'  => array( array( 'kind' => 'free_product', 'product_id' => 15 ) + $base, 'percent', '100', false ),
		);
	}

	/** @dataProvider coupons */
	public function test_coupon_props( array $r, string $type, string $amount, bool $free_shipping ): void {
		$c = Codes::coupon_props( $r );
		$this->assertSame( $type, $c['discount_type'] );
		$this->assertSame( $amount, $c['amount'] );
		$this->assertSame( $free_shipping, $c['free_shipping'] );
		$this->assertSame( array( 'sara@example.com' ), $c['email_restrictions'] );
		$this->assertSame( 1, $c['usage_limit'] );
		$this->assertSame( 'vafa-abcdefgh23', $c['code'] );
		if ( 'free_product' === $r['kind'] ) {
			$this->assertSame( array( 15 ), $c['product_ids'] );
			$this->assertSame( 1, $c['limit_usage_to_x_items'] );
		}
	}

	public function test_only_vafa_codes_are_ours(): void {
		$this->assertTrue( Codes::is_ours( 'vafa-7KQ2MZP9XH' ) );
		$this->assertFalse( Codes::is_ours( 'summer10' ) );
		$this->assertFalse( Codes::is_ours( 'VAFA-short' ) );
	}
}
