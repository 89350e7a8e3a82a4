<?php
// phpcs:ignoreFile -- tests.
use PHPUnit\Framework\TestCase;
use Vafa\Program;

final class ProgramTest extends TestCase {
	public static function minor_cases(): array {
		return array(
			'plain'          => array( '54.00', 2, 5400 ),
			'one decimal'    => array( '6.1', 2, 610 ),
			'half up'        => array( '2.145', 2, 215 ),
			'unrounded tax'  => array( '2.14335', 2, 214 ),
			'negative'       => array( '-11.88', 2, -1188 ),
			'irr'            => array( '1500000', 0, 1500000 ),
			'irr decimals'   => array( '1500000.5', 0, 1500001 ),
			'garbage'        => array( '12,50', 2, 0 ),
			'empty'          => array( '', 2, 0 ),
		);
	}

	/** @dataProvider minor_cases */
	public function test_to_minor( string $amount, int $exp, int $want ): void {
		$this->assertSame( $want, Program::to_minor( $amount, $exp ) );
	}

	public static function lines_cases(): array {
		$now   = 1796000000;
		$rules = array(
			array( 'on' => 'category', 'target_id' => '100', 'action' => 'multiply', 'multiplier' => '2', 'points' => 0, 'active' => true ),
			array( 'on' => 'category', 'target_id' => '200', 'action' => 'exclude', 'multiplier' => '1', 'points' => 0, 'active' => true ),
			array( 'on' => 'product', 'target_id' => '17', 'action' => 'fixed', 'multiplier' => '1', 'points' => 30, 'active' => true ),
			array( 'on' => 'product', 'target_id' => '15', 'action' => 'multiply', 'multiplier' => '1.5', 'points' => 0, 'active' => true ),
			array( 'on' => 'category', 'target_id' => '300', 'action' => 'multiply', 'multiplier' => '10', 'points' => 0, 'active' => false ),
		);
		$promo = array( 'starts' => gmdate( 'c', $now - 10 ), 'ends' => gmdate( 'c', $now + 10 ), 'multiplier' => '2', 'category_id' => '400', 'active' => true );
		$usd   = array( 'currency_exponent' => 2, 'earn_points' => 1, 'earn_per' => 1, 'earning_rules' => $rules, 'promotions' => array( $promo ) );
		$line  = static fn( $id, $net, $cats, $qty = 1 ) => array( 'product_id' => $id, 'quantity' => $qty, 'net_minor' => $net, 'categories' => $cats );
		return array(
			'plain rate'                       => array( $usd, array( $line( 1, 4500, array() ) ), $now, 45 ),
			'category doubles'                 => array( $usd, array( $line( 2, 2000, array( 100 ) ) ), $now, 40 ),
			'product beats its category'       => array( $usd, array( $line( 15, 2000, array( 100 ) ) ), $now, 30 ),
			'excluded earns nothing'           => array( $usd, array( $line( 16, 5000, array( 200 ) ), $line( 3, 2000, array() ) ), $now, 20 ),
			'fixed per unit'                   => array( $usd, array( $line( 17, 9000, array(), 3 ) ), $now, 90 ),
			'inactive rule ignored'            => array( $usd, array( $line( 4, 1000, array( 300 ) ) ), $now, 10 ),
			'promotion running'                => array( $usd, array( $line( 5, 1000, array( 400 ) ) ), $now, 20 ),
			'promotion over'                   => array( $usd, array( $line( 5, 1000, array( 400 ) ) ), $now + 10, 10 ),
			'promotion on a category doubled'  => array( $usd, array( $line( 6, 1000, array( 100, 400 ) ) ), $now, 40 ),
			'under the minimum'                => array( array( 'earn_min_subtotal_minor' => 5000 ) + $usd, array( $line( 1, 4500, array() ) ), $now, 0 ),
		);
	}

	/** @dataProvider lines_cases */
	public function test_lines_match_the_service_rules( array $program, array $lines, int $now, int $want ): void {
		$this->assertSame( $want, Program::points_for_lines( $program, $lines, $now ) );
	}

	public function test_cashback_percent(): void {
		$usd = array( 'redeem_points' => 100, 'redeem_value_minor' => 100 );
		$this->assertSame( '1', Program::cashback_percent( $usd, 45, 4500 ) );
		$this->assertSame( '5', Program::cashback_percent( array( 'redeem_points' => 20, 'redeem_value_minor' => 100 ), 45, 4500 ) );
		$this->assertSame( '1.48', Program::cashback_percent( $usd, 67, 4500 ) ); // floored at hundredths
		$this->assertSame( '', Program::cashback_percent( $usd, 0, 4500 ) );
	}

	public static function points_cases(): array {
		$usd = array( 'currency_exponent' => 2, 'earn_points' => 1, 'earn_per' => 1 );
		$irr = array( 'currency_exponent' => 0, 'earn_points' => 1, 'earn_per' => 10000 );
		return array(
			'45 dollars'          => array( $usd, '45.00', 45 ),
			'rounds down'         => array( $usd, '45.99', 45 ),
			'double rate'         => array( array( 'earn_points' => 2 ) + $usd, '45.99', 91 ),
			'irr per 10000'       => array( $irr, '14500000', 1450 ),
			'nothing for nothing' => array( $usd, '0', 0 ),
			'no rate'             => array( array( 'earn_points' => 0 ) + $usd, '100', 0 ),
		);
	}

	/** @dataProvider points_cases */
	public function test_points_match_the_service_formula( array $program, string $net, int $want ): void {
		$this->assertSame( $want, Program::points_for( $program, $net ) );
	}

	public static function pay_bounds_cases(): array {
		// 100 points are worth 1.00 (100 minor units) unless said otherwise.
		$p = array( 'redeem_points' => 100, 'redeem_value_minor' => 100 );
		return array(
			'balance is the limit'          => array( $p, 250, 100000, array( 'min' => 1, 'max' => 250 ) ),
			'store minimum'                 => array( $p + array( 'redeem_min_points' => 50 ), 250, 100000, array( 'min' => 50, 'max' => 250 ) ),
			'per-order maximum'             => array( $p + array( 'redeem_max_points' => 200 ), 250, 100000, array( 'min' => 1, 'max' => 200 ) ),
			'half the subtotal'             => array( $p + array( 'redeem_max_share_percent' => 50 ), 10000, 4000, array( 'min' => 1, 'max' => 2000 ) ),
			'never more than the subtotal'  => array( $p, 10000, 4000, array( 'min' => 1, 'max' => 4000 ) ),
			'floor of the value counts'     => array( array( 'redeem_points' => 3, 'redeem_value_minor' => 1 ), 1000, 10, array( 'min' => 1, 'max' => 32 ) ),
			'irr: 1 point is 1,000 rials'   => array( array( 'redeem_points' => 1, 'redeem_value_minor' => 1000, 'redeem_max_share_percent' => 50 ), 900, 1000000, array( 'min' => 1, 'max' => 500 ) ),
			'negative balance cannot pay'   => array( $p, -5, 100000, array( 'min' => 1, 'max' => 0 ) ),
			'no rate, no paying'            => array( array(), 500, 100000, array( 'min' => 1, 'max' => 0 ) ),
			'minimum above what is allowed' => array( $p + array( 'redeem_min_points' => 300 ), 250, 100000, array( 'min' => 300, 'max' => 250 ) ),
		);
	}

	/** @dataProvider pay_bounds_cases */
	public function test_pay_bounds( array $program, int $available, int $subtotal, array $want ): void {
		$this->assertSame( $want, Program::pay_bounds( $program, $available, $subtotal ) );
	}
}
